import * as chars from './chars';

// A module-local copy: tsx/esbuild reach imported bindings through getters, a call per character here.
const CH = { ...chars.CH };

/** POW10 holds the powers of ten that are exact doubles (10^0..10^22), for the fast decimal path. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * MAX_FAST_DIGITS is how many significant digits the fast path accumulates: 16 covers Go's shortest float
 * output; a 16-digit mantissa at or above 2^53 may have been rounded, so it takes the slow path.
 */
const MAX_FAST_DIGITS = 16;
/** EXACT_LIMIT is 2^53: every integer below it is exact in a double. */
const EXACT_LIMIT = 2 ** 53;

/**
 * parseNumber reads the float token s[start, end) as both exposition formats allow it: decimal with optional
 * sign, fraction and exponent (`1`, `-1.5e3`, `.5`, `5.`), or case-insensitive `Inf`/`Infinity` with optional
 * sign, or `NaN`. Hex floats, underscores and other Go/Python extras are rejected (Prometheus rejects them too).
 * It returns undefined for a malformed token.
 *
 * Most values are short decimals, so this accumulates digits itself and does one exact multiply or divide by a
 * power of ten (Clinger's fast path: both operands exact, so IEEE rounding of the one operation is correct);
 * only long mantissas or large exponents fall back to Number() on a slice.
 */
export function parseNumber(s: string, start: number, end: number): number | undefined {
  let i = start;
  if (i >= end) return undefined;
  let c = s.charCodeAt(i);
  let negative = false;
  if (c === CH.plus || c === CH.minus) {
    negative = c === CH.minus;
    if (++i >= end) return undefined;
    c = s.charCodeAt(i);
  }
  if ((c < CH.zero || c > CH.nine) && c !== CH.dot) return parseSpecial(s, start, end, i);

  let mantissa = 0;
  let digits = 0; // significant digits accumulated into mantissa
  let dropped = 0; // integer digits that did not fit into mantissa
  let fraction = 0; // fraction digits accumulated into mantissa
  let anyDigit = false;
  let exact = true;
  for (; i < end; i++) {
    c = s.charCodeAt(i);
    if (c < CH.zero || c > CH.nine) break;
    anyDigit = true;
    if (mantissa === 0 && c === CH.zero) continue;
    if (digits < MAX_FAST_DIGITS) {
      mantissa = mantissa * 10 + (c - CH.zero);
      digits++;
    } else {
      dropped++;
      exact = false;
    }
  }
  if (i < end && c === CH.dot) {
    for (i++; i < end; i++) {
      c = s.charCodeAt(i);
      if (c < CH.zero || c > CH.nine) break;
      anyDigit = true;
      if (mantissa === 0 && c === CH.zero) {
        fraction++;
        continue;
      }
      if (digits < MAX_FAST_DIGITS) {
        mantissa = mantissa * 10 + (c - CH.zero);
        digits++;
        fraction++;
      } else if (c !== CH.zero) exact = false;
    }
  }
  if (!anyDigit) return undefined;
  let exponent = 0;
  if (i < end && (c === 101 || c === 69)) {
    if (++i >= end) return undefined;
    c = s.charCodeAt(i);
    let expNegative = false;
    if (c === CH.plus || c === CH.minus) {
      expNegative = c === CH.minus;
      if (++i >= end) return undefined;
    }
    const expStart = i;
    for (; i < end; i++) {
      c = s.charCodeAt(i);
      if (c < CH.zero || c > CH.nine) break;
      if (exponent < 100000) exponent = exponent * 10 + (c - CH.zero);
    }
    if (i === expStart) return undefined;
    if (expNegative) exponent = -exponent;
  }
  if (i !== end) return undefined;

  const scale = exponent + dropped - fraction;
  let value: number;
  if (mantissa >= EXACT_LIMIT) exact = false;
  if (!exact) value = Number(s.slice(negative || s.charCodeAt(start) === CH.plus ? start + 1 : start, end));
  else if (mantissa === 0) value = 0;
  else if (scale === 0) value = mantissa;
  else if (scale > 0 && scale <= 22) value = mantissa * POW10[scale]!;
  else if (scale < 0 && scale >= -22) value = mantissa / POW10[-scale]!;
  else value = Number(s.slice(negative || s.charCodeAt(start) === CH.plus ? start + 1 : start, end));
  return negative ? -value : value;
}

/** parseSpecial reads `Inf`, `Infinity` (after an optional sign at start) and an unsigned `NaN`, any case. */
function parseSpecial(s: string, start: number, end: number, i: number): number | undefined {
  const word = s.slice(i, end).toLowerCase();
  if (word === 'inf' || word === 'infinity') return s.charCodeAt(start) === CH.minus ? -Infinity : Infinity;
  if (word === 'nan' && i === start) return NaN;
  return undefined;
}

/**
 * parseTextTimestamp reads a text-format 0.0.4 timestamp: an integer number of milliseconds, optionally
 * negative. It returns undefined for anything else.
 */
export function parseTextTimestamp(s: string, start: number, end: number): number | undefined {
  let i = start;
  let negative = false;
  if (i < end && s.charCodeAt(i) === CH.minus) {
    negative = true;
    i++;
  }
  if (i >= end) return undefined;
  let ms = 0;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < CH.zero || c > CH.nine) return undefined;
    ms = ms * 10 + (c - CH.zero);
  }
  if (ms > Number.MAX_SAFE_INTEGER) ms = Number(s.slice(negative ? start + 1 : start, end));
  return negative ? -ms : ms;
}
