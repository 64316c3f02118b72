import * as chars from './chars';
import { describeToken, failAt } from './scan-failure';

// Module-local copies: tsx/esbuild reach imported bindings through getters, a call per character here.
const CH = { ...chars.CH };
const isLabelNameChar = chars.isLabelNameChar;
const isLabelNameStart = chars.isLabelNameStart;

/**
 * LabelOffsets holds where the labels of one label block are in the body, four offsets per label (name
 * start, name end, value start, value end; quotes excluded), reused line after line so scanning allocates
 * nothing.
 */
export class LabelOffsets {
  offsets: Int32Array;
  count = 0;

  constructor(labels = 16) {
    this.offsets = new Int32Array(labels * 4);
  }

  /** grow doubles the buffer, keeping what it holds. */
  grow(): Int32Array {
    const o = new Int32Array(this.offsets.length * 2);
    o.set(this.offsets);
    return (this.offsets = o);
  }
}

/**
 * scanLabelBlock reads `name="value",...}` from just after `{` into `out` and returns the offset after `}`.
 * Text 0.0.4 allows blanks between tokens and a trailing comma; OpenMetrics allows neither. Escapes are only
 * skipped here (they are decoded when labels are built); duplicate names are rejected.
 */
export function scanLabelBlock(s: string, p: number, om: boolean, out: LabelOffsets): number {
  let o = out.offsets;
  let n = 0;
  let c = s.charCodeAt(p);
  if (!om) while (c === CH.space || c === CH.tab) c = s.charCodeAt(++p);
  if (c !== CH.braceClose) {
    for (;;) {
      const nameStart = p;
      if (!isLabelNameStart(c)) failAt(p, `expected label name, got ${describeToken(s, p)}`);
      while (isLabelNameChar((c = s.charCodeAt(++p))));
      const nameEnd = p;
      if (!om) while (c === CH.space || c === CH.tab) c = s.charCodeAt(++p);
      if (c !== CH.equal) failAt(p, `expected equal, got ${describeToken(s, p)}`);
      c = s.charCodeAt(++p);
      if (!om) while (c === CH.space || c === CH.tab) c = s.charCodeAt(++p);
      if (c !== CH.quote) failAt(p, `expected label value, got ${describeToken(s, p)}`);
      const valueStart = ++p;
      for (;;) {
        c = s.charCodeAt(p);
        if (c === CH.quote) break;
        if (c === CH.backslash) c = s.charCodeAt(++p);
        if (c !== c || c === CH.newline) failAt(p, 'unterminated label value: expected closing quote');
        p++;
      }
      if (n * 4 + 4 > o.length) o = out.grow();
      const j = n * 4;
      o[j] = nameStart;
      o[j + 1] = nameEnd;
      o[j + 2] = valueStart;
      o[j + 3] = p;
      n++;
      for (let k = 0; k < j; k += 4) {
        if (sameText(s, o[k]!, o[k + 1]!, nameStart, nameEnd)) {
          failAt(nameStart, `duplicate label name ${JSON.stringify(s.slice(nameStart, nameEnd))}`);
        }
      }
      c = s.charCodeAt(++p);
      if (!om) while (c === CH.space || c === CH.tab) c = s.charCodeAt(++p);
      if (c === CH.braceClose) break;
      if (c !== CH.comma) failAt(p, `expected comma or "}", got ${describeToken(s, p)}`);
      c = s.charCodeAt(++p);
      if (!om) {
        while (c === CH.space || c === CH.tab) c = s.charCodeAt(++p);
        if (c === CH.braceClose) break;
      }
    }
  }
  out.count = n;
  return p + 1;
}

/** sameText compares s[a, aEnd) with s[b, bEnd) without slicing. */
function sameText(s: string, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (; a < aEnd; a++, b++) if (s.charCodeAt(a) !== s.charCodeAt(b)) return false;
  return true;
}
