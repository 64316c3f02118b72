import * as chars from './chars';
import { scanLabelBlock, type LabelOffsets } from './label-block';
import { parseNumber } from './number';
import { describeToken, failAt } from './scan-failure';

// A module-local copy: tsx/esbuild reach imported bindings through getters, a call per character here.
const CH = { ...chars.CH };

/** MAX_EXEMPLAR_LABEL_CODE_POINTS is OpenMetrics 1.0's cap on an exemplar's label names and values together. */
const MAX_EXEMPLAR_LABEL_CODE_POINTS = 128;

/**
 * scanExemplar validates an OpenMetrics exemplar, `# {labels} value [timestamp]`, from its `#` and returns
 * the offset after it. Vigie stores no exemplars, so nothing is kept; `scratch` holds the label offsets
 * while they are checked.
 */
export function scanExemplar(s: string, hash: number, scratch: LabelOffsets): number {
  let p = hash + 1;
  if (s.charCodeAt(p) !== CH.space)
    failAt(p, `expected " " after "#" of an exemplar, got ${describeToken(s, p)}`);
  if (s.charCodeAt(++p) !== CH.braceOpen) {
    failAt(p, `expected "{" to open exemplar labels, got ${describeToken(s, p)}`);
  }
  const labelsStart = p + 1;
  p = scanLabelBlock(s, labelsStart, true, scratch);
  const length = labelCodePoints(s, scratch);
  if (length > MAX_EXEMPLAR_LABEL_CODE_POINTS) {
    failAt(
      labelsStart,
      `exemplar labels have ${length} characters, more than ${MAX_EXEMPLAR_LABEL_CODE_POINTS}`,
    );
  }
  if (s.charCodeAt(p) !== CH.space)
    failAt(p, `expected " " before the exemplar value, got ${describeToken(s, p)}`);
  let c = s.charCodeAt(++p);
  const valueStart = p;
  while (c === c && c !== CH.space && c !== CH.newline) c = s.charCodeAt(++p);
  if (p === valueStart || parseNumber(s, valueStart, p) === undefined) {
    failAt(valueStart, `expected a number as exemplar value, got ${describeToken(s, valueStart)}`);
  }
  if (c === CH.space) {
    c = s.charCodeAt(++p);
    const tsStart = p;
    while (c === c && c !== CH.space && c !== CH.newline) c = s.charCodeAt(++p);
    const ts = p === tsStart ? undefined : parseNumber(s, tsStart, p);
    if (ts === undefined || !Number.isFinite(ts)) {
      failAt(tsStart, `expected a finite exemplar timestamp, got ${describeToken(s, tsStart)}`);
    }
  }
  return p;
}

/** labelCodePoints counts the characters of the label names and (decoded) values, as the spec's cap does. */
function labelCodePoints(s: string, labels: LabelOffsets): number {
  const o = labels.offsets;
  let total = 0;
  for (let j = 0; j < labels.count * 4; j += 2) {
    for (let i = o[j]!; i < o[j + 1]!; i++) {
      const c = s.charCodeAt(i);
      if (c === CH.backslash) i++; // an escape pair is one character
      if (c < 0xdc00 || c > 0xdfff) total++; // a surrogate pair is one code point
    }
  }
  return total;
}
