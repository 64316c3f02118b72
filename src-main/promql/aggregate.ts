import { LABEL_NAME_RE, labelsKey, type Labels } from '../common/labels';
import type { AggregateExpr } from './ast';
import { evalError, warn } from './context';
import type { Evaluator } from './evaluator';
import { formatFloat, kahanAdd, type Value, type VSample } from './values';

/** groupLabels is the label set of a sample's aggregation group under by(...)/without(...). */
export function groupLabels(l: Labels, e: AggregateExpr): Labels {
  const out: Record<string, string> = {};
  if (e.without) {
    for (const n in l) if (n !== '__name__' && !e.grouping.includes(n)) out[n] = l[n]!;
  } else for (const n of e.grouping) if (l[n] !== undefined && l[n] !== '') out[n] = l[n]!;
  return out;
}

/** quantile is Prometheus's φ-quantile with linear interpolation over sorted values. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  // NaN sorts first, as in Prometheus's sample heap.
  const sorted = [...values].sort((a, b) =>
    Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b,
  );
  const n = sorted.length;
  const rank = q * (n - 1);
  const lo = Math.max(0, Math.floor(rank));
  const hi = Math.min(n - 1, lo + 1);
  const w = rank - Math.floor(rank);
  return sorted[lo]! * (1 - w) + sorted[hi]! * w;
}

/** groupMemo caches each series' group per aggregation node: a series keeps its Labels object across steps. */
const groupMemo = new WeakMap<AggregateExpr, WeakMap<Labels, { labels: Labels; key: string }>>();

interface Group {
  labels: Labels;
  samples: VSample[];
  dropName: boolean;
}

/** evalAggregate evaluates sum/avg/…/topk/quantile/count_values/limitk/limit_ratio at one time. */
export function evalAggregate(ev: Evaluator, e: AggregateExpr, ts: number): Value {
  let param = 0;
  let label = '';
  if (e.param !== null) {
    if (e.op === 'count_values') {
      label = ev.evalString(e.param, ts);
      if (!LABEL_NAME_RE.test(label)) throw evalError(`invalid label name ${JSON.stringify(label)}`);
    } else {
      param = ev.evalScalar(e.param, ts);
      if (Number.isNaN(param) && e.op !== 'quantile')
        throw evalError(e.op === 'limit_ratio' ? 'Ratio value is NaN' : 'Parameter value is NaN');
    }
  }
  const input = ev.evalVector(e.expr, ts);
  if (e.op === 'quantile' && (param < 0 || param > 1 || Number.isNaN(param)))
    warn(ev.ctx, `quantile value should be between 0 and 1, got ${formatFloat(param)}`, e.param!.start);
  if (e.op === 'limit_ratio' && (param < -1 || param > 1)) {
    warn(
      ev.ctx,
      `ratio value should be between -1 and 1, got ${formatFloat(param)}, capping to ${param < 0 ? -1 : 1}`,
      e.param!.start,
    );
    param = param < 0 ? -1 : 1;
  }
  const groups = new Map<string, Group>();
  const order: Group[] = [];
  let memo = groupMemo.get(e);
  if (memo === undefined) groupMemo.set(e, (memo = new WeakMap()));
  for (const s of input) {
    let grp = memo.get(s.labels);
    if (grp === undefined) {
      const labels = groupLabels(s.labels, e);
      memo.set(s.labels, (grp = { labels, key: labelsKey(labels) }));
    }
    const { labels: gl, key } = grp;
    let g = groups.get(key);
    if (g === undefined) {
      g = { labels: gl, samples: [], dropName: false };
      groups.set(key, g);
      order.push(g);
    }
    g.samples.push(s);
    if (s.dropName) g.dropName = true;
  }
  const out: VSample[] = [];
  const emit = (g: Group, v: number) => out.push({ labels: g.labels, v, ts, dropName: g.dropName });
  for (const g of order) {
    const vals = g.samples.map((s) => s.v);
    switch (e.op) {
      case 'sum':
        emit(g, sum(vals));
        break;
      case 'avg':
        emit(g, avg(vals));
        break;
      case 'count':
        emit(g, vals.length);
        break;
      case 'group':
        emit(g, 1);
        break;
      case 'min':
        emit(
          g,
          vals.reduce((m, v) => (Number.isNaN(m) || v < m ? v : m), NaN),
        );
        break;
      case 'max':
        emit(
          g,
          vals.reduce((m, v) => (Number.isNaN(m) || v > m ? v : m), NaN),
        );
        break;
      case 'stddev':
        emit(g, Math.sqrt(aggVariance(vals)));
        break;
      case 'stdvar':
        emit(g, aggVariance(vals));
        break;
      case 'quantile':
        emit(g, quantile(param, vals));
        break;
      case 'topk':
      case 'bottomk':
        out.push(...topk(g.samples, param, e.op === 'bottomk'));
        break;
      case 'limitk':
        out.push(...g.samples.slice(0, clampK(param, g.samples.length)));
        break;
      case 'limit_ratio':
        out.push(...g.samples.filter((s) => keepByRatio(s.labels, param)));
        break;
      case 'count_values': {
        const counts = new Map<string, number>();
        for (const v of vals) counts.set(formatFloat(v), (counts.get(formatFloat(v)) ?? 0) + 1);
        for (const [v, c] of counts)
          out.push({ labels: { ...g.labels, [label]: v }, v: c, ts, dropName: false });
        break;
      }
    }
  }
  return { type: 'vector', samples: out };
}

function clampK(k: number, n: number): number {
  if (k < 1) return 0;
  return Math.min(n, Math.floor(k));
}

function topk(samples: VSample[], k: number, bottom: boolean): VSample[] {
  const n = clampK(k, samples.length);
  if (n === 0) return [];
  const better = (a: number, b: number): boolean => {
    if (Number.isNaN(a)) return false;
    if (Number.isNaN(b)) return true;
    return bottom ? a < b : a > b;
  };
  const sorted = [...samples].sort((a, b) => (better(a.v, b.v) ? -1 : better(b.v, a.v) ? 1 : 0));
  return sorted.slice(0, n);
}

/** keepByRatio decides limit_ratio membership from a stable hash of the labels, in [0, 1). */
function keepByRatio(labels: Labels, ratio: number): boolean {
  const key = labelsKey(labels);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  const r = h / 2 ** 32;
  return ratio >= 0 ? r < ratio : r >= 1 + ratio;
}

/** sum adds with Kahan compensation as Prometheus does. */
export function sum(vals: number[]): number {
  let s = 0;
  let c = 0;
  // kahanAdd inlined: its [sum, c] pair is an allocation per value on this per-step path.
  for (let i = 0; i < vals.length; i++) {
    const x = vals[i]!;
    const t = s + x;
    if (t === Infinity || t === -Infinity) c = 0;
    else if (Math.abs(s) >= Math.abs(x)) c += s - t + x;
    else c += x - t + s;
    s = t;
  }
  return s + c;
}

/**
 * avg is the mean: a compensated sum divided by the count, switching to an incremental mean from the
 * point where the sum would overflow (as Prometheus does, so huge values of both signs average correctly).
 */
export function avg(vals: number[]): number {
  if (vals.length === 0) return NaN;
  let sumV = 0;
  let c = 0;
  let incremental = false;
  let mean = 0;
  let n = 0;
  for (const f of vals) {
    n++;
    if (n === 1) {
      sumV = f;
      continue;
    }
    if (!incremental) {
      const [ns, nc] = kahanAdd(f, sumV, c);
      if (ns !== Infinity && ns !== -Infinity) {
        [sumV, c] = [ns, nc];
        continue;
      }
      incremental = true;
      mean = sumV / (n - 1);
      c /= n - 1;
    }
    const q = (n - 1) / n;
    [mean, c] = kahanAdd(f / n, q * mean, q * c);
  }
  return incremental ? mean + c : sumV / n + c / n;
}

/** aggVariance is the population variance of an aggregation group (Welford), NaN if it starts non-finite. */
export function aggVariance(vals: number[]): number {
  if (vals.length === 0) return NaN;
  let value = Number.isFinite(vals[0]!) ? 0 : NaN;
  let mean = vals[0]!;
  let n = 1;
  for (let i = 1; i < vals.length; i++) {
    const f = vals[i]!;
    n++;
    const delta = f - mean;
    mean += delta / n;
    value += delta * (f - mean);
  }
  return value / n;
}

/** variance is the population variance (Welford's method with compensation). */
export function variance(vals: number[]): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (const v of vals) {
    count++;
    const delta = v - (mean + cMean);
    [mean, cMean] = kahanAdd(delta / count, mean, cMean);
    [aux, cAux] = kahanAdd(delta * (v - (mean + cMean)), aux, cAux);
  }
  if (count === 0) return NaN;
  return (aux + cAux) / count;
}
