/**
 * Labels is a series' identity: label name → value, with the metric name under `__name__`.
 * A plain frozen-by-convention object keeps the engine's label algebra (by/without, label_replace) simple;
 * hot paths (the scrape cache) key series by their raw exposition text instead and build Labels only once.
 */
export type Labels = Readonly<Record<string, string>>;

/** METRIC_NAME is the reserved label that carries a series' metric name. */
export const METRIC_NAME = '__name__';

/** labelsKey is the canonical text of a label set: names sorted, values quoted. Equal sets give equal keys. */
export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let out = '{';
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (i > 0) out += ',';
    out += n + '=' + JSON.stringify(labels[n]);
  }
  return out + '}';
}

/** formatSeries renders labels the way Prometheus prints a series: `name{a="b"}`. */
export function formatSeries(labels: Labels): string {
  const name = labels[METRIC_NAME] ?? '';
  const rest = Object.keys(labels)
    .filter((n) => n !== METRIC_NAME)
    .sort()
    .map((n) => `${n}=${JSON.stringify(labels[n])}`);
  return rest.length === 0 && name !== '' ? name : `${name}{${rest.join(', ')}}`;
}

/** withoutEmpty drops labels whose value is empty: Prometheus treats an empty value as an absent label. */
export function withoutEmpty(labels: Labels): Labels {
  let clean = true;
  for (const n in labels) if (labels[n] === '') clean = false;
  if (clean) return labels;
  const out: Record<string, string> = {};
  for (const n in labels) if (labels[n] !== '') out[n] = labels[n]!;
  return out;
}

/** LABEL_NAME_RE is the legal form of a label name (Prometheus's classic, non-UTF-8 rule). */
export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** METRIC_NAME_RE is the legal form of a metric name. */
export const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
