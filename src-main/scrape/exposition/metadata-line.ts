import type { MetricMetadata } from '../../storage/api';
import * as chars from './chars';
import { describeToken, failAt } from './scan-failure';

// Module-local copies: tsx/esbuild reach imported bindings through getters, a call per character here.
const CH = { ...chars.CH };
const isMetricNameChar = chars.isMetricNameChar;
const isMetricNameStart = chars.isMetricNameStart;

/** TEXT_TYPES are the TYPE values of text format 0.0.4. */
const TEXT_TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
/** OPENMETRICS_TYPES are the TYPE values of OpenMetrics 1.0 (`untyped` became `unknown`). */
const OPENMETRICS_TYPES: ReadonlySet<string> = new Set([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);

/** MetaLine is what a `#` line said, as offsets into the body; one instance is reused line after line. */
export class MetaLine {
  kind: 'help' | 'type' | 'unit' | 'comment' | 'eof' = 'comment';
  nameStart = 0;
  nameEnd = 0;
  textStart = 0;
  textEnd = 0;
  type: MetricMetadata['type'] = 'unknown';
}

/** lineEndFrom is the offset of the newline ending the line that holds p (or the body's length). */
export function lineEndFrom(s: string, p: number): number {
  const e = s.indexOf('\n', p);
  return e < 0 ? s.length : e;
}

/**
 * readTextComment reads a text 0.0.4 line that starts with `#` at `hash`: `# HELP name text`,
 * `# TYPE name type`, or any other comment. It fills `out` and returns the offset of the line's end.
 */
export function readTextComment(s: string, hash: number, out: MetaLine): number {
  let p = hash + 1;
  let c = s.charCodeAt(p);
  while (c === CH.space || c === CH.tab) c = s.charCodeAt(++p);
  const lineEnd = lineEndFrom(s, p);
  const isHelp = s.startsWith('HELP', p);
  const after = s.charCodeAt(p + 4);
  if (p === hash + 1 || !(isHelp || s.startsWith('TYPE', p)) || (after !== CH.space && after !== CH.tab)) {
    out.kind = 'comment';
    out.textStart = hash + 1;
    out.textEnd = lineEnd;
    return lineEnd;
  }
  p += 5;
  c = s.charCodeAt(p);
  while (c === CH.space || c === CH.tab) c = s.charCodeAt(++p);
  out.nameStart = p;
  if (!isMetricNameStart(c))
    failAt(p, `expected metric name after ${isHelp ? 'HELP' : 'TYPE'}, got ${describeToken(s, p)}`);
  while (isMetricNameChar(s.charCodeAt(++p)));
  out.nameEnd = p;
  c = s.charCodeAt(p);
  if (p < lineEnd && c !== CH.space && c !== CH.tab)
    failAt(p, `invalid metric name, got ${describeToken(s, p)}`);
  // Like Prometheus: the text starts after exactly one separator character.
  out.textStart = p < lineEnd ? p + 1 : p;
  out.textEnd = lineEnd;
  if (isHelp) {
    out.kind = 'help';
    return lineEnd;
  }
  // Trailing blanks after a TYPE are forgiven (Prometheus rejects them; they are harmless).
  let end = lineEnd;
  while (end > out.textStart && (s.charCodeAt(end - 1) === CH.space || s.charCodeAt(end - 1) === CH.tab))
    end--;
  const t = s.slice(out.textStart, end);
  if (!TEXT_TYPES.has(t)) failAt(out.textStart, `invalid metric type ${JSON.stringify(t)}`);
  out.kind = 'type';
  out.type = t as MetricMetadata['type'];
  return lineEnd;
}

/**
 * readOpenMetricsMeta reads an OpenMetrics line that starts with `#` at `hash`: exactly `# HELP name text`,
 * `# TYPE name type`, `# UNIT name unit` (the unit a suffix of the name) or `# EOF`. OpenMetrics has no
 * comments, so anything else is an error. It fills `out` and returns the offset of the line's end.
 */
export function readOpenMetricsMeta(s: string, hash: number, out: MetaLine): number {
  const lineEnd = lineEndFrom(s, hash);
  if (s.charCodeAt(hash + 1) !== CH.space) {
    failAt(
      hash + 1,
      `expected " " after "#" (OpenMetrics has no comments), got ${describeToken(s, hash + 1)}`,
    );
  }
  if (lineEnd === hash + 5 && s.startsWith('EOF', hash + 2)) {
    out.kind = 'eof';
    return lineEnd;
  }
  if (s.startsWith('HELP ', hash + 2)) out.kind = 'help';
  else if (s.startsWith('TYPE ', hash + 2)) out.kind = 'type';
  else if (s.startsWith('UNIT ', hash + 2)) out.kind = 'unit';
  else failAt(hash + 2, `expected HELP, TYPE, UNIT or EOF after "# ", got ${describeToken(s, hash + 2)}`);
  let p = hash + 7;
  out.nameStart = p;
  if (!isMetricNameStart(s.charCodeAt(p))) failAt(p, `invalid metric name, got ${describeToken(s, p)}`);
  while (isMetricNameChar(s.charCodeAt(++p)));
  if (s.charCodeAt(p) !== CH.space) {
    failAt(p, `expected " " and ${out.kind} text after the metric name, got ${describeToken(s, p)}`);
  }
  out.nameEnd = p;
  out.textStart = p + 1;
  out.textEnd = lineEnd;
  if (out.kind === 'type') {
    const text = s.slice(p + 1, lineEnd);
    if (!OPENMETRICS_TYPES.has(text)) failAt(p + 1, `invalid metric type ${JSON.stringify(text)}`);
    out.type = text as MetricMetadata['type'];
  } else if (out.kind === 'unit' && lineEnd > p + 1) {
    const name = s.slice(out.nameStart, p);
    const unit = s.slice(p + 1, lineEnd);
    if (!name.endsWith('_' + unit)) {
      failAt(p + 1, `unit ${JSON.stringify(unit)} is not a suffix of metric name ${JSON.stringify(name)}`);
    }
  }
  return lineEnd;
}
