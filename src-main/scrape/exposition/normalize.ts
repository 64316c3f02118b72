import { parseNumber } from './number';

/**
 * normalizeFloatLabel rewrites an `le` or `quantile` value the way Prometheus 3 does on ingestion (Go's
 * shortest `%g` plus `.0` for whole numbers: `1` → `1.0`, `0.00001` → `1e-05`), so that one exporter's
 * `le="1"` and another's `le="1.0"` are the same series. Values that are not numbers are kept as written.
 */
export function normalizeFloatLabel(value: string): string {
  let out = memo.get(value);
  if (out !== undefined) return out;
  const f = parseNumber(value, 0, value.length);
  if (f === undefined) out = value;
  else {
    const s = formatGoFloat(f);
    out = f !== f || !Number.isFinite(f) || s.includes('e') || s.includes('.') ? s : s + '.0';
  }
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(value, out);
  return out;
}

/** MEMO_SIZE bounds the memo; a scrape repeats a few dozen bucket bounds and quantiles thousands of times. */
const MEMO_SIZE = 4096;
/** memo maps a written `le` / `quantile` value to its normal form. */
const memo = new Map<string, string>();

/** formatGoFloat prints f as Go's strconv.FormatFloat(f, 'g', -1, 64) does (shortest round-trip digits). */
export function formatGoFloat(f: number): string {
  if (f !== f) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const sign = f < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(f).toExponential().split('e') as [string, string];
  const e = Number(exp);
  // Go's 'g' with shortest precision switches to exponent form below 1e-4 and from 1e6 (its eprec is 6).
  if (e < -4 || e >= 6)
    return `${sign}${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const digits = mantissa.replace('.', '');
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  if (digits.length <= e + 1) return sign + digits + '0'.repeat(e + 1 - digits.length);
  return `${sign}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
}
