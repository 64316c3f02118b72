/**
 * formatValue renders a sample value the way Prometheus's writers do: `NaN`, `+Inf`, `-Inf`, otherwise
 * the shortest text that reads back to the same double (JavaScript's own number formatting does that).
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

const LABEL_ESCAPES = /[\\"\n]/g;

/** escapeLabelValue escapes backslash, double quote and newline, the three escapes both formats define. */
export function escapeLabelValue(v: string): string {
  return LABEL_ESCAPES.test(v) ? v.replace(LABEL_ESCAPES, escapeChar) : v;
}

const TEXT_HELP_ESCAPES = /[\\\n]/g;

/** escapeTextHelp escapes HELP text for format 0.0.4, which escapes only backslash and newline there. */
export function escapeTextHelp(v: string): string {
  return v.replace(TEXT_HELP_ESCAPES, escapeChar);
}

/** escapeOpenMetricsHelp escapes HELP text for OpenMetrics, which also escapes the double quote. */
export function escapeOpenMetricsHelp(v: string): string {
  return escapeLabelValue(v);
}

function escapeChar(c: string): string {
  return c === '\n' ? '\\n' : '\\' + c;
}

/** formatLabels renders `{a="x",b="y"}` with names sorted, or '' for an empty set. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels);
  if (names.length === 0) return '';
  if (names.length > 1) names.sort();
  let out = '{';
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (i > 0) out += ',';
    out += n + '="' + escapeLabelValue(labels[n]!) + '"';
  }
  return out + '}';
}
