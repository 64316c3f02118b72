// variables.ts: Grafana-style template variables: `label_values(label)` or `label_values(selector, label)`
// list the choices, and `$name` / `${name}` in a panel's PromQL is replaced by the chosen value.

/** LabelValuesQuery is a parsed `label_values(...)`. */
export interface LabelValuesQuery {
  label: string;
  match?: string;
}

/** parseLabelValues reads `label_values(label)` or `label_values(selector, label)`; throws on other forms. */
export function parseLabelValues(query: string): LabelValuesQuery {
  const m = /^\s*label_values\s*\(\s*(?:(.*?)\s*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/.exec(query);
  if (m === null) throw new Error(`"${query}" is not label_values(label) or label_values(selector, label)`);
  return m[1] ? { label: m[2]!, match: m[1] } : { label: m[2]! };
}

/** escapeValue makes a chosen value safe inside a PromQL string or regex matcher. */
function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** interpolate replaces `$name` and `${name}` with the variables' values (longest names first). */
export function interpolate(expr: string, values: Record<string, string>): string {
  const names = Object.keys(values).sort((a, b) => b.length - a.length);
  let out = expr;
  for (const n of names) {
    const v = escapeValue(values[n]!);
    out = out.replaceAll(`\${${n}}`, v).replace(new RegExp(`\\$${n}(?![a-zA-Z0-9_])`, 'g'), () => v);
  }
  return out;
}
