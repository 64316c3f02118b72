import type { Labels } from '../common/labels';
import type { Call } from './ast';
import { evalError, info, type EvalContext } from './context';
import { quantile, variance } from './aggregate';
import { kahanAdd, type MSeries } from './values';

/** RangeFn computes one value from a series' points in the window ending at `end` (null: no output). */
type RangeFn = (s: MSeries, end: number, rangeMs: number, args: number[], evalTs: number) => number | null;

/** Points is a series' samples as parallel arrays: MSeries' number[]s or a selection's typed arrays. */
type Points = ArrayLike<number>;

/**
 * extrapolatedRate is rate/increase/delta over samples [lo, hi) of (t, v), Prometheus's extrapolation:
 * written over index bounds so that a matrix selector's window is read in place, without copying it.
 */
function extrapolatedRate(
  t: Points,
  v: Points,
  lo: number,
  hi: number,
  end: number,
  rangeMs: number,
  counter: boolean,
  rate: boolean,
  resets?: Int32Array,
): number | null {
  const n = hi - lo;
  if (n < 2) return null;
  const first = v[lo]!;
  const last = v[hi - 1]!;
  let result = last - first;
  // resets[i] counts the drops among samples [0, i]: none inside the window means no correction to add.
  if (counter && (resets === undefined || resets[hi - 1] !== resets[lo])) {
    let prev = first;
    for (let i = lo + 1; i < hi; i++) {
      const x = v[i]!;
      if (x < prev) result += prev;
      prev = x;
    }
  }
  const rangeStart = end - rangeMs;
  let toStart = (t[lo]! - rangeStart) / 1000;
  let toEnd = (end - t[hi - 1]!) / 1000;
  const sampled = (t[hi - 1]! - t[lo]!) / 1000;
  const avgGap = sampled / (n - 1);
  const threshold = avgGap * 1.1;
  if (toStart >= threshold) toStart = avgGap / 2;
  if (counter && result > 0 && first >= 0) {
    const toZero = sampled * (first / result);
    if (toZero < toStart) toStart = toZero;
  }
  if (toEnd >= threshold) toEnd = avgGap / 2;
  let factor = (sampled + toStart + toEnd) / sampled;
  if (rate) factor /= rangeMs / 1000;
  return result * factor;
}

function instantDelta(t: Points, v: Points, lo: number, hi: number, rate: boolean): number | null {
  if (hi - lo < 2) return null;
  const last = v[hi - 1]!;
  const prev = v[hi - 2]!;
  const dt = (t[hi - 1]! - t[hi - 2]!) / 1000;
  if (dt === 0) return null;
  let r = rate && last < prev ? last : last - prev;
  if (rate) r /= dt;
  return r;
}

/** pickIn is min_over_time/max_over_time over v[lo, hi): NaN loses to any number, as in Prometheus. */
function pickIn(v: Points, lo: number, hi: number, max: boolean): number {
  let m = v[lo]!;
  for (let i = lo; i < hi; i++) {
    const x = v[i]!;
    if ((max ? x > m : x < m) || Number.isNaN(m)) m = x;
  }
  return m;
}

/** sumIn is sum_over_time over v[lo, hi) with Kahan compensation. */
function sumIn(v: Points, lo: number, hi: number): number {
  let s = 0;
  let c = 0;
  // kahanAdd inlined: its [sum, c] pair is an allocation per sample.
  for (let i = lo; i < hi; i++) {
    const x = v[i]!;
    const t = s + x;
    if (t === Infinity || t === -Infinity) c = 0;
    else if (Math.abs(s) >= Math.abs(x)) c += s - t + x;
    else c += x - t + s;
    s = t;
  }
  return Number.isFinite(s) ? s + c : s;
}

/** avgIn is avg_over_time over v[lo, hi); an overflowing sum falls back to an incremental mean. */
function avgIn(v: Points, lo: number, hi: number): number {
  const s = sumIn(v, lo, hi);
  const n = hi - lo;
  if (Number.isFinite(s)) return s / n;
  for (let i = lo; i < hi; i++) if (!Number.isFinite(v[i]!)) return s / n;
  let mean = 0;
  for (let i = lo; i < hi; i++) mean += (v[i]! - mean) / (i - lo + 1);
  return mean;
}

/**
 * WindowFn computes a range function from samples [lo, hi) (lo < hi) of a series' arrays, none of them a
 * staleness marker: the evaluator's fast path for a function applied straight to a matrix selector.
 */
export type WindowFn = (
  t: Points,
  v: Points,
  lo: number,
  hi: number,
  end: number,
  rangeMs: number,
  resets: Int32Array | undefined,
) => number | null;

/** WINDOW_FUNCTIONS are the range functions computed in place over a selection's arrays (see WindowFn). */
export const WINDOW_FUNCTIONS: ReadonlyMap<string, WindowFn> = new Map<string, WindowFn>([
  ['rate', (t, v, lo, hi, end, r, resets) => extrapolatedRate(t, v, lo, hi, end, r, true, true, resets)],
  ['increase', (t, v, lo, hi, end, r, resets) => extrapolatedRate(t, v, lo, hi, end, r, true, false, resets)],
  ['delta', (t, v, lo, hi, end, r) => extrapolatedRate(t, v, lo, hi, end, r, false, false)],
  ['irate', (t, v, lo, hi) => instantDelta(t, v, lo, hi, true)],
  ['idelta', (t, v, lo, hi) => instantDelta(t, v, lo, hi, false)],
  ['avg_over_time', (_t, v, lo, hi) => avgIn(v, lo, hi)],
  ['sum_over_time', (_t, v, lo, hi) => sumIn(v, lo, hi)],
  ['count_over_time', (_t, _v, lo, hi) => hi - lo],
  ['min_over_time', (_t, v, lo, hi) => pickIn(v, lo, hi, false)],
  ['max_over_time', (_t, v, lo, hi) => pickIn(v, lo, hi, true)],
  ['last_over_time', (_t, v, _lo, hi) => v[hi - 1]!],
  ['first_over_time', (_t, v, lo) => v[lo]!],
  ['present_over_time', () => 1],
]);

/** linearRegression fits y = slope*x + intercept with x in seconds relative to interceptTime. */
export function linearRegression(s: MSeries, interceptTime: number): [number, number] {
  let n = 0;
  let sx = 0;
  let cx = 0;
  let sy = 0;
  let cy = 0;
  let sxy = 0;
  let cxy = 0;
  let sx2 = 0;
  let cx2 = 0;
  const initY = s.v[0]!;
  let constY = true;
  for (let i = 0; i < s.t.length; i++) {
    const y = s.v[i]!;
    if (constY && i > 0 && y !== initY) constY = false;
    n++;
    const x = (s.t[i]! - interceptTime) / 1000;
    [sx, cx] = kahanAdd(x, sx, cx);
    [sy, cy] = kahanAdd(y, sy, cy);
    [sxy, cxy] = kahanAdd(x * y, sxy, cxy);
    [sx2, cx2] = kahanAdd(x * x, sx2, cx2);
  }
  if (constY) {
    if (!Number.isFinite(initY)) return [NaN, NaN];
    return [0, initY];
  }
  sx += cx;
  sy += cy;
  sxy += cxy;
  sx2 += cx2;
  const covXY = sxy - (sx * sy) / n;
  const varX = sx2 - (sx * sx) / n;
  const slope = covXY / varX;
  const intercept = sy / n - (slope * sx) / n;
  return [slope, intercept];
}

function doubleExpSmoothing(s: MSeries, sf: number, tf: number): number | null {
  if (!(sf > 0 && sf < 1)) throw evalError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf}`);
  if (!(tf > 0 && tf < 1)) throw evalError(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf}`);
  const n = s.v.length;
  if (n < 2) return null;
  let s1 = s.v[0]!;
  let b = s.v[1]! - s.v[0]!;
  let s0 = s1;
  for (let i = 1; i < n; i++) {
    const x = s.v[i]!;
    if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
    s0 = s1;
    s1 = sf * x + (1 - sf) * (s0 + b);
  }
  return s1;
}

/** RANGE_FUNCTIONS maps each function over a range vector to its per-series computation. */
export const RANGE_FUNCTIONS: ReadonlyMap<string, RangeFn> = new Map<string, RangeFn>([
  ['rate', (s, end, r) => extrapolatedRate(s.t, s.v, 0, s.t.length, end, r, true, true)],
  ['increase', (s, end, r) => extrapolatedRate(s.t, s.v, 0, s.t.length, end, r, true, false)],
  ['delta', (s, end, r) => extrapolatedRate(s.t, s.v, 0, s.t.length, end, r, false, false)],
  ['irate', (s) => instantDelta(s.t, s.v, 0, s.t.length, true)],
  ['idelta', (s) => instantDelta(s.t, s.v, 0, s.t.length, false)],
  ['deriv', (s) => (s.t.length < 2 ? null : linearRegression(s, s.t[0]!)[0])],
  [
    'predict_linear',
    (s, _end, _r, a, evalTs) => {
      if (s.t.length < 2) return null;
      // Prometheus predicts from the evaluation time, not from the (offset or @-shifted) window end.
      const [slope, icpt] = linearRegression(s, evalTs);
      return slope * a[0]! + icpt;
    },
  ],
  ['double_exponential_smoothing', (s, _e, _r, a) => doubleExpSmoothing(s, a[0]!, a[1]!)],
  ['avg_over_time', (s) => avgIn(s.v, 0, s.v.length)],
  ['sum_over_time', (s) => sumIn(s.v, 0, s.v.length)],
  ['count_over_time', (s) => s.v.length],
  ['min_over_time', (s) => pickIn(s.v, 0, s.v.length, false)],
  ['max_over_time', (s) => pickIn(s.v, 0, s.v.length, true)],
  ['last_over_time', (s) => s.v[s.v.length - 1]!],
  ['first_over_time', (s) => s.v[0]!],
  ['present_over_time', () => 1],
  ['stddev_over_time', (s) => Math.sqrt(variance(s.v))],
  ['stdvar_over_time', (s) => variance(s.v)],
  ['quantile_over_time', (s, _e, _r, a) => quantile(a[0]!, s.v)],
  [
    'mad_over_time',
    (s) => {
      if (s.v.some((x) => Number.isNaN(x))) return NaN;
      const med = quantile(0.5, s.v);
      return quantile(
        0.5,
        s.v.map((x) => Math.abs(x - med)),
      );
    },
  ],
  ['ts_of_last_over_time', (s) => s.t[s.t.length - 1]! / 1000],
  ['ts_of_first_over_time', (s) => s.t[0]! / 1000],
  ['ts_of_max_over_time', (s) => tsOf(s, (a, b) => a >= b)],
  ['ts_of_min_over_time', (s) => tsOf(s, (a, b) => a <= b)],
  [
    'changes',
    (s) => {
      let c = 0;
      for (let i = 1; i < s.v.length; i++) {
        const a = s.v[i - 1]!;
        const b = s.v[i]!;
        if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) c++;
      }
      return c;
    },
  ],
  [
    'resets',
    (s) => {
      let c = 0;
      for (let i = 1; i < s.v.length; i++) if (s.v[i]! < s.v[i - 1]!) c++;
      return c;
    },
  ],
]);

function tsOf(s: MSeries, better: (a: number, b: number) => boolean): number {
  let bi = 0;
  for (let i = 1; i < s.v.length; i++) {
    const m = s.v[bi]!;
    if (Number.isNaN(m) || better(s.v[i]!, m)) bi = i;
  }
  return s.t[bi]! / 1000;
}

/** COUNTS_RESETS lists the window functions that read resetCounts. */
export const COUNTS_RESETS: ReadonlySet<string> = new Set(['rate', 'increase']);

/**
 * resetCounts returns, for each sample i of v, how many times the value dropped among samples [0, i], so that
 * rate() over any window can tell in O(1) whether it holds a counter reset (most windows do not).
 */
export function resetCounts(v: Points): Int32Array {
  const out = new Int32Array(v.length);
  let c = 0;
  for (let i = 1; i < v.length; i++) {
    if (v[i]! < v[i - 1]!) c++;
    out[i] = c;
  }
  return out;
}

/** KEEPS_NAME lists range functions whose output keeps the metric name. */
export const KEEPS_NAME: ReadonlySet<string> = new Set(['last_over_time', 'first_over_time']);

const COUNTER_FUNCS = new Set(['rate', 'increase', 'irate']);
const COUNTER_SUFFIX = /(_total|_sum|_count|_bucket)$/;
/** counterNames memoises COUNTER_SUFFIX per metric name: counterInfo runs per series per step. */
const counterNames = new Map<string, boolean>();

/** counterInfo notes a rate() over a metric whose name does not look like a counter's. */
export function counterInfo(ctx: EvalContext, e: Call, s: { labels: Labels }): void {
  if (!COUNTER_FUNCS.has(e.func)) return;
  const name = s.labels.__name__;
  if (name === undefined) return;
  let counterLike = counterNames.get(name);
  if (counterLike === undefined) {
    counterLike = COUNTER_SUFFIX.test(name);
    if (counterNames.size > 10_000) counterNames.clear();
    counterNames.set(name, counterLike);
  }
  if (!counterLike)
    info(
      ctx,
      `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(name)}`,
      e.args[0]!.start,
    );
}
