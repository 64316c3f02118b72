import { labelsKey, type Labels } from '../common/labels';
import type { Call } from './ast';
import { info, warn } from './context';
import type { Evaluator } from './evaluator';
import { formatFloat, formatOpenMetricsFloat, type Value, type VSample } from './values';

/** HISTOGRAM_FUNCTIONS are the functions over histograms; classic `le` buckets are the float form. */
export const HISTOGRAM_FUNCTIONS: ReadonlySet<string> = new Set([
  'histogram_quantile',
  'histogram_quantiles',
  'histogram_fraction',
  'histogram_count',
  'histogram_sum',
  'histogram_avg',
  'histogram_stddev',
  'histogram_stdvar',
]);

interface Bucket {
  ub: number;
  count: number;
}

function almostEqual(a: number, b: number, eps: number): boolean {
  if (a === b) return true;
  const minNormal = 2.2250738585072014e-308;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < minNormal) return diff < eps * minNormal;
  return diff / Math.min(absSum, Number.MAX_VALUE) < eps;
}

/** prepareBuckets sorts and merges buckets and forces monotonic counts; null when there is no +Inf bucket. */
function prepareBuckets(input: Bucket[]): { buckets: Bucket[]; forced: boolean } | null {
  const sorted = [...input].sort((a, b) => a.ub - b.ub);
  if (sorted[sorted.length - 1]!.ub !== Infinity) return null;
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last !== undefined && last.ub === b.ub) last.count += b.count;
    else buckets.push({ ...b });
  }
  let forced = false;
  let prev = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    const curr = buckets[i]!.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, 1e-12)) {
      buckets[i]!.count = prev;
      continue;
    }
    if (curr < prev) {
      buckets[i]!.count = prev;
      forced = true;
      continue;
    }
    prev = curr;
  }
  return { buckets, forced };
}

/** bucketQuantile estimates the q-quantile from classic buckets, interpolating linearly within a bucket. */
export function bucketQuantile(q: number, input: Bucket[]): { v: number; forced: boolean } {
  if (Number.isNaN(q)) return { v: NaN, forced: false };
  if (q < 0) return { v: -Infinity, forced: false };
  if (q > 1) return { v: Infinity, forced: false };
  const prep = prepareBuckets(input);
  if (prep === null) return { v: NaN, forced: false };
  const { buckets, forced } = prep;
  if (buckets.length < 2) return { v: NaN, forced };
  const obs = buckets[buckets.length - 1]!.count;
  if (obs === 0) return { v: NaN, forced };
  let rank = q * obs;
  let b = 0;
  while (b < buckets.length - 1 && buckets[b]!.count < rank) b++;
  if (b === buckets.length - 1) return { v: buckets[buckets.length - 2]!.ub, forced };
  if (b === 0 && buckets[0]!.ub <= 0) return { v: buckets[0]!.ub, forced };
  let start = 0;
  const end = buckets[b]!.ub;
  let count = buckets[b]!.count;
  if (b > 0) {
    start = buckets[b - 1]!.ub;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return { v: start + (end - start) * (rank / count), forced };
}

/** bucketFraction estimates the fraction of observations between lower and upper from classic buckets. */
export function bucketFraction(lower: number, upper: number, input: Bucket[]): number {
  const sorted = [...input].sort((a, b) => a.ub - b.ub);
  if (sorted[sorted.length - 1]!.ub !== Infinity) return NaN;
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last !== undefined && last.ub === b.ub) last.count += b.count;
    else buckets.push({ ...b });
  }
  const count = buckets[buckets.length - 1]!.count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  let lb = buckets[0]!.ub <= 0 ? -Infinity : 0;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i]!;
    if (i > 0) lb = buckets[i - 1]!.ub;
    const ub = b.ub;
    const interp = (v: number): number =>
      lb === -Infinity ? b.count : rank + ((b.count - rank) * (v - lb)) / (ub - lb);
    if (!lowerSet && lb >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lb >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lb < lower && ub > lower) {
      lowerRank = interp(lower);
      lowerSet = true;
    }
    if (!upperSet && lb < upper && ub > upper) {
      upperRank = interp(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}

interface BucketGroup {
  labels: Labels;
  buckets: Bucket[];
}

/** groupBuckets groups classic bucket samples by their labels without `le`, warning on a bad `le`. */
function groupBuckets(ev: Evaluator, e: Call, samples: VSample[], argIndex: number): BucketGroup[] {
  const groups = new Map<string, BucketGroup>();
  for (const s of samples) {
    const le = s.labels.le;
    const ub = le === undefined ? NaN : parseLe(le);
    if (Number.isNaN(ub)) {
      const name = s.labels.__name__;
      warn(
        ev.ctx,
        `bucket label "le" is missing or has a malformed value of ${JSON.stringify(le ?? '')}${
          name !== undefined ? ` for metric name ${JSON.stringify(name)}` : ''
        }`,
        e.args[argIndex]!.start,
      );
      continue;
    }
    const { le: _le, ...rest } = s.labels;
    const key = labelsKey(rest);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { labels: rest, buckets: [] }));
    g.buckets.push({ ub, count: s.v });
  }
  return [...groups.values()];
}

/** parseLe reads a bucket's `le` label as Prometheus does; NaN when malformed. */
export function parseLe(s: string): number {
  const t = s.trim();
  if (/^[+]?inf$/i.test(t)) return Infinity;
  if (/^-inf$/i.test(t)) return -Infinity;
  if (t === '' || (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) && !/^[-+]?0x[0-9a-f]+$/i.test(t)))
    return NaN;
  return Number(t);
}

/** evalHistogramFunction evaluates histogram_* functions over classic buckets at one time. */
export function evalHistogramFunction(ev: Evaluator, e: Call, ts: number): Value {
  const out: VSample[] = [];
  const vecIdx = e.func === 'histogram_quantile' ? 1 : e.func === 'histogram_fraction' ? 2 : 0;
  if (e.func === 'histogram_quantile' || e.func === 'histogram_quantiles') {
    const qs =
      e.func === 'histogram_quantile'
        ? [ev.evalScalar(e.args[0]!, ts)]
        : e.args.slice(2).map((a) => ev.evalScalar(a, ts));
    const qLabel = e.func === 'histogram_quantiles' ? ev.evalString(e.args[1]!, ts) : '';
    const samples = ev.evalVector(e.args[vecIdx]!, ts);
    qs.forEach((q, i) => {
      if (!(q >= 0 && q <= 1))
        warn(
          ev.ctx,
          `quantile value should be between 0 and 1, got ${formatFloat(q)}`,
          e.args[e.func === 'histogram_quantile' ? 0 : i + 2]!.start,
        );
    });
    for (const g of groupBuckets(ev, e, samples, vecIdx)) {
      for (const q of qs) {
        const r = bucketQuantile(q, g.buckets);
        if (r.forced)
          info(
            ev.ctx,
            `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name ${JSON.stringify(g.labels.__name__ ?? '')}`,
            e.args[vecIdx]!.start,
          );
        const labels = qLabel !== '' ? { ...g.labels, [qLabel]: formatOpenMetricsFloat(q) } : g.labels;
        out.push({ labels, v: r.v, ts, dropName: true });
      }
    }
    return { type: 'vector', samples: out };
  }
  if (e.func === 'histogram_fraction') {
    const lo = ev.evalScalar(e.args[0]!, ts);
    const hi = ev.evalScalar(e.args[1]!, ts);
    const samples = ev.evalVector(e.args[2]!, ts);
    for (const g of groupBuckets(ev, e, samples, 2))
      out.push({ labels: g.labels, v: bucketFraction(lo, hi, g.buckets), ts, dropName: true });
    return { type: 'vector', samples: out };
  }
  // histogram_count/sum/avg/stddev/stdvar apply to native histograms only; floats yield nothing.
  ev.evalVector(e.args[0]!, ts);
  return { type: 'vector', samples: out };
}
