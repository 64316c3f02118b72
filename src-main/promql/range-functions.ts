import type { Call } from './ast';
import { evalError, info, type EvalContext } from './context';
import { quantile, variance } from './aggregate';
import { kahanAdd, type MSeries } from './values';

/** RangeFn computes one value from a series' points in the window ending at `end` (null: no output). */
type RangeFn = (s: MSeries, end: number, rangeMs: number, args: number[], evalTs: number) => number | null;

function extrapolatedRate(
  s: MSeries,
  end: number,
  rangeMs: number,
  counter: boolean,
  rate: boolean,
): number | null {
  const n = s.t.length;
  if (n < 2) return null;
  const first = s.v[0]!;
  const last = s.v[n - 1]!;
  let result = last - first;
  if (counter) {
    let prev = first;
    for (let i = 1; i < n; i++) {
      const v = s.v[i]!;
      if (v < prev) result += prev;
      prev = v;
    }
  }
  const rangeStart = end - rangeMs;
  let toStart = (s.t[0]! - rangeStart) / 1000;
  let toEnd = (end - s.t[n - 1]!) / 1000;
  const sampled = (s.t[n - 1]! - s.t[0]!) / 1000;
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

function instantDelta(s: MSeries, rate: boolean): number | null {
  const n = s.t.length;
  if (n < 2) return null;
  const last = s.v[n - 1]!;
  const prev = s.v[n - 2]!;
  const dt = (s.t[n - 1]! - s.t[n - 2]!) / 1000;
  if (dt === 0) return null;
  let r = rate && last < prev ? last : last - prev;
  if (rate) r /= dt;
  return r;
}

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

function sumKahan(v: number[]): number {
  let s = 0;
  let c = 0;
  for (const x of v) [s, c] = kahanAdd(x, s, c);
  return Number.isFinite(s) ? s + c : s;
}

function avgOverTime(v: number[]): number {
  const s = sumKahan(v);
  if (Number.isFinite(s) || v.some((x) => !Number.isFinite(x))) return s / v.length;
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += (v[i]! - mean) / (i + 1);
  return mean;
}

const pick = (v: number[], better: (a: number, b: number) => boolean): number => {
  let m = v[0]!;
  for (const x of v) if (better(x, m) || Number.isNaN(m)) m = x;
  return m;
};

/** RANGE_FUNCTIONS maps each function over a range vector to its per-series computation. */
export const RANGE_FUNCTIONS: ReadonlyMap<string, RangeFn> = new Map<string, RangeFn>([
  ['rate', (s, end, r) => extrapolatedRate(s, end, r, true, true)],
  ['increase', (s, end, r) => extrapolatedRate(s, end, r, true, false)],
  ['delta', (s, end, r) => extrapolatedRate(s, end, r, false, false)],
  ['irate', (s) => instantDelta(s, true)],
  ['idelta', (s) => instantDelta(s, false)],
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
  ['avg_over_time', (s) => avgOverTime(s.v)],
  ['sum_over_time', (s) => sumKahan(s.v)],
  ['count_over_time', (s) => s.v.length],
  ['min_over_time', (s) => pick(s.v, (a, b) => a < b)],
  ['max_over_time', (s) => pick(s.v, (a, b) => a > b)],
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

/** KEEPS_NAME lists range functions whose output keeps the metric name. */
export const KEEPS_NAME: ReadonlySet<string> = new Set(['last_over_time', 'first_over_time']);

const COUNTER_FUNCS = new Set(['rate', 'increase', 'irate']);
const COUNTER_SUFFIX = /(_total|_sum|_count|_bucket)$/;

/** counterInfo notes a rate() over a metric whose name does not look like a counter's. */
export function counterInfo(ctx: EvalContext, e: Call, s: MSeries): void {
  if (!COUNTER_FUNCS.has(e.func)) return;
  const name = s.labels.__name__;
  if (name !== undefined && !COUNTER_SUFFIX.test(name))
    info(
      ctx,
      `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(name)}`,
      e.args[0]!.start,
    );
}
