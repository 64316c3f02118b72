/**
 * Character classes of the exposition formats as lookup tables indexed by UTF-16 code unit (< 128), so the
 * parser's hot loop tests a byte with one array load instead of a regular expression or a chain of ranges.
 */

/** CH names the code units the parser compares against, so the scanning code reads as the grammar does. */
export const CH = {
  tab: 9,
  newline: 10,
  space: 32,
  quote: 34,
  hash: 35,
  plus: 43,
  comma: 44,
  minus: 45,
  dot: 46,
  zero: 48,
  nine: 57,
  equal: 61,
  backslash: 92,
  braceOpen: 123,
  braceClose: 125,
} as const;

/** NAME_START flags the first character of a metric name (`[a-zA-Z_:]`); bit 2 adds label names (`[a-zA-Z_]`). */
const NAME_START = new Uint8Array(128);
/** NAME_CHAR flags the later characters of a metric name (`[a-zA-Z0-9_:]`); bit 2 adds label names. */
const NAME_CHAR = new Uint8Array(128);

for (let c = 0; c < 128; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const digit = c >= 48 && c <= 57;
  const colon = c === 58;
  NAME_START[c] = (letter || colon ? 1 : 0) | (letter ? 2 : 0);
  NAME_CHAR[c] = (letter || digit || colon ? 1 : 0) | (letter || digit ? 2 : 0);
}

/** isMetricNameStart tells whether c may begin a metric name. */
export function isMetricNameStart(c: number): boolean {
  return c < 128 && (NAME_START[c]! & 1) !== 0;
}

/** isMetricNameChar tells whether c may continue a metric name. */
export function isMetricNameChar(c: number): boolean {
  return c < 128 && (NAME_CHAR[c]! & 1) !== 0;
}

/** isLabelNameStart tells whether c may begin a label name (no colon, unlike metric names). */
export function isLabelNameStart(c: number): boolean {
  return c < 128 && (NAME_START[c]! & 2) !== 0;
}

/** isLabelNameChar tells whether c may continue a label name. */
export function isLabelNameChar(c: number): boolean {
  return c < 128 && (NAME_CHAR[c]! & 2) !== 0;
}

/** isValidMetricName checks a whole metric name, for metadata lines (not the hot path). */
export function isValidMetricName(s: string): boolean {
  if (s.length === 0 || !isMetricNameStart(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) if (!isMetricNameChar(s.charCodeAt(i))) return false;
  return true;
}
