import { labelsKey, type Labels } from '../common/labels';

/** VSample is one element of an instant vector during evaluation. */
export interface VSample {
  labels: Labels;
  v: number;
  /** ts is the sample's own timestamp (for timestamp()); the evaluation time for computed samples. */
  ts: number;
  /** dropName marks a sample whose __name__ is removed at the end (Prometheus's delayed name removal). */
  dropName: boolean;
}

/** MSeries is one element of a range vector during evaluation. */
export interface MSeries {
  labels: Labels;
  t: number[];
  v: number[];
  dropName: boolean;
}

/** Value is what evaluating an expression at one time yields. */
export type Value =
  | { type: 'vector'; samples: VSample[] }
  | { type: 'matrix'; series: MSeries[] }
  | { type: 'scalar'; v: number }
  | { type: 'string'; v: string };

/** kahanAdd adds x to a compensated sum [sum, c], as Prometheus does to keep float sums exact. */
export function kahanAdd(x: number, sum: number, c: number): [number, number] {
  const t = sum + x;
  if (t === Infinity || t === -Infinity) return [t, 0];
  if (Math.abs(sum) >= Math.abs(x)) c += sum - t + x;
  else c += x - t + sum;
  return [t, c];
}

/** dropped memoises dropMetricName per label-set object (a series keeps its object across steps/queries). */
const dropped = new WeakMap<Labels, Labels>();

/**
 * dropMetricName returns labels without __name__: the same object for the same input, so that memos keyed
 * by label objects downstream (result keys, rules' alert identities) hold across steps and queries.
 */
export function dropMetricName(l: Labels): Labels {
  if (l.__name__ === undefined) return l;
  let out = dropped.get(l);
  if (out === undefined) {
    const { __name__: _n, ...rest } = l;
    dropped.set(l, (out = rest));
  }
  return out;
}

/** formatFloat renders a number as Go's strconv.FormatFloat(v, 'f', -1, 64) does (count_values, le). */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!/e/.test(s)) return s;
  // Expand exponent notation to plain digits, as Go's 'f' format does.
  const [mant, expS] = s.split('e') as [string, string];
  const exp = Number(expS);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const intLen = (mant.replace('-', '').split('.')[0] ?? '').length + exp;
  let out: string;
  if (intLen <= 0) out = '0.' + '0'.repeat(-intLen) + digits;
  else if (intLen >= digits.length) out = digits + '0'.repeat(intLen - digits.length);
  else out = digits.slice(0, intLen) + '.' + digits.slice(intLen);
  return (neg ? '-' : '') + out;
}

/** labelsString renders labels as Prometheus's labels.String(): `{__name__="x", a="b"}`, names sorted. */
export function labelsString(l: Labels): string {
  return `{${Object.keys(l)
    .sort()
    .map((n) => `${n}=${JSON.stringify(l[n])}`)
    .join(', ')}}`;
}

/** formatOpenMetricsFloat renders a float as OpenMetrics does (integers keep a `.0`): histogram_quantiles' label. */
export function formatOpenMetricsFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v).replace(/e([-+])(\d)$/, 'e$10$2');
  return /[.e]/.test(s) ? s : `${s}.0`;
}

const keyCache = new WeakMap<Labels, string>();

/**
 * keyOf is labelsKey memoised per label-set object: a series keeps the same Labels object across the steps of
 * a query, so range queries and subqueries hash each series once instead of once per step.
 */
export function keyOf(l: Labels): string {
  let k = keyCache.get(l);
  if (k === undefined) {
    k = labelsKey(l);
    keyCache.set(l, k);
  }
  return k;
}

/**
 * SeriesCollector gathers per-step samples into series. It finds a series by its Labels object first (the
 * same object recurs across steps) and by the label-set key only on a miss, which keeps long range
 * queries and subqueries from hashing every sample.
 */
export class SeriesCollector {
  private readonly byObject = [new Map<Labels, MSeries>(), new Map<Labels, MSeries>()];
  private readonly byKey = new Map<string, MSeries>();

  /** add appends a sample at step t; false when that series already has a sample at t (a duplicate). */
  add(s: VSample, t: number): boolean {
    const objects = this.byObject[s.dropName ? 1 : 0]!;
    let m = objects.get(s.labels);
    if (m === undefined) {
      const key = keyOf(s.labels) + (s.dropName ? '!' : '');
      m = this.byKey.get(key);
      if (m === undefined)
        this.byKey.set(key, (m = { labels: s.labels, t: [], v: [], dropName: s.dropName }));
      objects.set(s.labels, m);
    }
    if (m.t.length > 0 && m.t[m.t.length - 1] === t) return false;
    m.t.push(t);
    m.v.push(s.v);
    return true;
  }

  series(): MSeries[] {
    return [...this.byKey.values()];
  }
}
