/**
 * literals.ts turns PromQL's number, duration and string tokens into values, with Go's rules (PromQL's
 * reference implementation is Go): durations like `1h30m`, hex numbers, `Inf`/`NaN`, and Go string escapes.
 */

const UNIT_MS: Record<string, number> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

const DURATION_RE = /^(?:\d+(?:y|w|d|h|ms|m|s))+$/;

/** isDurationText tells whether a token is a unit duration like `5m` rather than a plain number. */
export function isDurationText(text: string): boolean {
  return DURATION_RE.test(text);
}

/** parseDurationMs parses `1h30m`-style text into ms; units must appear in decreasing order, each once. */
export function parseDurationMs(text: string): number {
  if (!isDurationText(text)) throw new Error(`not a valid duration string: "${text}"`);
  const order = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  let last = -1;
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) {
    const idx = order.indexOf(m[2]!);
    if (idx <= last) throw new Error(`not a valid duration string: "${text}"`);
    last = idx;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  return total;
}

/** parseNumber parses a PromQL number token (decimal, hex, Inf, NaN, or a duration in seconds). */
export function parseNumber(text: string): number {
  let s = text.replace(/^([-+])\s+/, '$1').trim();
  let sign = 1;
  if (s.startsWith('+')) s = s.slice(1);
  else if (s.startsWith('-')) {
    sign = -1;
    s = s.slice(1);
  }
  const lower = s.toLowerCase();
  if (lower === 'inf') return sign * Infinity;
  if (lower === 'nan') return NaN;
  if (isDurationText(s)) return (sign * parseDurationMs(s)) / 1000;
  if (/^0x[0-9a-f]+$/i.test(s)) return sign * parseInt(s.slice(2), 16);
  const clean = s.replace(/_/g, '');
  if (/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(clean)) return sign * Number(clean);
  throw new Error(`bad number or duration syntax: "${text}"`);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** unquoteString decodes a PromQL string literal (double, single or back quotes) with Go's escapes. */
export function unquoteString(text: string): string {
  const q = text[0];
  if (text.length < 2 || text[text.length - 1] !== q) throw new Error('unterminated quoted string');
  const body = text.slice(1, -1);
  if (q === '`') return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new Error('invalid syntax in string');
    if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
    else if (e === q) out += e;
    else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) throw new Error(`invalid escape sequence \\${e}`);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += n;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new Error('invalid octal escape');
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else throw new Error(`unknown escape sequence \\${e}`);
  }
  return out;
}

/** quoteString renders a string as a PromQL double-quoted literal. */
export function quoteString(s: string): string {
  return JSON.stringify(s);
}

/** formatDurationMs renders ms the way Prometheus prints durations: `1h30m`, `5m`, `0s`. */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  let out = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  for (const u of ['y', 'w', 'd', 'h', 'm', 's', 'ms']) {
    const size = UNIT_MS[u]!;
    if (rest >= size) {
      const n = Math.floor(rest / size);
      rest -= n * size;
      out += `${n}${u}`;
    }
  }
  return out;
}
