/** BACKSLASH and the characters an escape may decode to, as UTF-16 code units. */
const BACKSLASH = 92;
const LETTER_N = 110;
const QUOTE = 34;

/**
 * unescapeLabelValue decodes the quoted label value s[start, end) (quotes excluded): `\\`, `\"` and `\n`
 * become their characters; any other backslash pair is kept as written, as Prometheus and the OpenMetrics
 * reference parser do. Values without a backslash come back as a plain slice.
 */
export function unescapeLabelValue(s: string, start: number, end: number): string {
  const first = firstBackslash(s, start, end);
  return first < 0 ? s.slice(start, end) : decode(s, start, end, first, true);
}

/**
 * unescapeHelp decodes HELP text s[start, end): `\\` and `\n` in text 0.0.4; OpenMetrics also allows `\"`.
 * Other backslash pairs are kept as written.
 */
export function unescapeHelp(s: string, start: number, end: number, openMetrics: boolean): string {
  const first = firstBackslash(s, start, end);
  return first < 0 ? s.slice(start, end) : decode(s, start, end, first, openMetrics);
}

/** firstBackslash finds a backslash within s[start, end) only (indexOf would scan on to the body's end). */
function firstBackslash(s: string, start: number, end: number): number {
  for (let i = start; i < end; i++) if (s.charCodeAt(i) === BACKSLASH) return i;
  return -1;
}

/** decode builds the unescaped text from chunks between backslashes (no per-character concatenation). */
function decode(s: string, start: number, end: number, first: number, quoteEscape: boolean): string {
  const parts: string[] = [];
  let from = start;
  for (let i = first; i < end;) {
    if (s.charCodeAt(i) !== BACKSLASH || i + 1 >= end) {
      i++;
      continue;
    }
    const next = s.charCodeAt(i + 1);
    let decoded: string | undefined;
    if (next === BACKSLASH) decoded = '\\';
    else if (next === LETTER_N) decoded = '\n';
    else if (next === QUOTE && quoteEscape) decoded = '"';
    if (decoded === undefined) {
      i += 2;
      continue;
    }
    parts.push(s.slice(from, i), decoded);
    i += 2;
    from = i;
  }
  parts.push(s.slice(from, end));
  return parts.join('');
}
