import { isStaleNaN } from '../common/sample';
import type { SeriesData } from '../storage/api';
import type { AtModifier, Call, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from './ast';
import { countSamples, evalError, type EvalContext } from './context';
import { evalAggregate } from './aggregate';
import { evalBinary } from './binary';
import { evalCall } from './functions';
import { COUNTS_RESETS, counterInfo, KEEPS_NAME, resetCounts, type WindowFn } from './range-functions';
import { copyValue, sharedKey } from './shared-results';
import { SeriesCollector, type MSeries, type Value, type VSample } from './values';

/** resolveAt turns an @ modifier into a time in ms. */
export function resolveAt(ctx: EvalContext, at: AtModifier): number {
  return at === 'start' ? ctx.start : at === 'end' ? ctx.end : at;
}

/** lowerBound is the first index of t[] with t[i] >= x. */
export function lowerBound(t: Float64Array | number[], x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const staleMemo = new WeakMap<SeriesData, boolean>();

/** hasStale tells whether a fetched series holds a staleness marker anywhere (memoised per query data). */
function hasStale(s: SeriesData): boolean {
  let has = staleMemo.get(s);
  if (has === undefined) {
    has = false;
    for (let i = 0; i < s.v.length && !has; i++) has = isStaleNaN(s.v[i]!);
    staleMemo.set(s, has);
  }
  return has;
}

/** staleIn tells whether v[lo, hi) holds a staleness marker. */
function staleIn(v: Float64Array, lo: number, hi: number): boolean {
  for (let i = lo; i < hi; i++) if (isStaleNaN(v[i]!)) return true;
  return false;
}

const resetsMemo = new WeakMap<SeriesData, Int32Array>();

/** resetsOf is resetCounts of a fetched series, memoised like hasStale. */
function resetsOf(s: SeriesData): Int32Array {
  let r = resetsMemo.get(s);
  if (r === undefined) resetsMemo.set(s, (r = resetCounts(s.v)));
  return r;
}

/** Evaluator evaluates an expression at one time over data fetched beforehand (synchronously). */
export class Evaluator {
  /**
   * subqueryCache keeps a subquery's inner result per absolute step time: inner steps are aligned to
   * multiples of the subquery step, so consecutive outer steps of a range query share most of them.
   */
  private readonly subqueryCache = new Map<SubqueryExpr, Map<number, VSample[]>>();

  /** subqueryDepth counts the subqueries being evaluated: inside one, a series' data serves many steps. */
  private subqueryDepth = 0;

  constructor(readonly ctx: EvalContext) {}

  /** eval evaluates e at ts, reusing a result another query at ts left in ctx.shared (rules). */
  eval(e: Expr, ts: number): Value {
    const key = this.ctx.shared !== undefined ? sharedKey(e, ts, this.ctx) : undefined;
    if (key === undefined) return this.evalNode(e, ts);
    const hit = this.ctx.shared!.get(key);
    if (hit !== undefined) {
      if (hit.type === 'vector') countSamples(this.ctx, hit.samples.length);
      return copyValue(hit);
    }
    const v = this.evalNode(e, ts);
    this.ctx.shared!.set(key, v);
    return copyValue(v);
  }

  private evalNode(e: Expr, ts: number): Value {
    switch (e.kind) {
      case 'number':
        return { type: 'scalar', v: e.value };
      case 'string':
        return { type: 'string', v: e.value };
      case 'paren':
        return this.eval(e.expr, ts);
      case 'unary': {
        const v = this.eval(e.expr, ts);
        if (e.op === '+') return v;
        if (v.type === 'scalar') return { type: 'scalar', v: -v.v };
        if (v.type !== 'vector') throw evalError('unary minus on a non-vector');
        return {
          type: 'vector',
          samples: v.samples.map((s) => ({ ...s, v: -s.v, dropName: true })),
        };
      }
      case 'vectorSelector':
        return { type: 'vector', samples: this.vectorSelector(e, ts) };
      case 'matrixSelector':
        return { type: 'matrix', series: this.matrixSelector(e, ts) };
      case 'subquery':
        return { type: 'matrix', series: this.subquery(e, ts) };
      case 'call':
        return evalCall(this, e, ts);
      case 'aggregate':
        return evalAggregate(this, e, ts);
      case 'binary':
        return evalBinary(this, e, ts);
    }
  }

  /** evalVector evaluates an expression known to be an instant vector. */
  evalVector(e: Expr, ts: number): VSample[] {
    const v = this.eval(e, ts);
    if (v.type !== 'vector') throw evalError(`expected instant vector, got ${v.type}`);
    return v.samples;
  }

  evalScalar(e: Expr, ts: number): number {
    const v = this.eval(e, ts);
    if (v.type !== 'scalar') throw evalError(`expected scalar, got ${v.type}`);
    return v.v;
  }

  evalString(e: Expr, ts: number): string {
    const v = this.eval(e, ts);
    if (v.type !== 'string') throw evalError(`expected string, got ${v.type}`);
    return v.v;
  }

  evalMatrix(e: Expr, ts: number): MSeries[] {
    const v = this.eval(e, ts);
    if (v.type !== 'matrix') throw evalError(`expected range vector, got ${v.type}`);
    return v.series;
  }

  private data(e: VectorSelector): SeriesData[] {
    const d = this.ctx.data.get(e);
    if (d === undefined) throw evalError('internal: selector data was not fetched');
    return d;
  }

  /** selectorTime is the reference time of a selector at evaluation time ts (after @ and offset). */
  selectorTime(e: { at: AtModifier | null; offsetMs: number }, ts: number): number {
    return (e.at !== null ? resolveAt(this.ctx, e.at) : ts) - e.offsetMs;
  }

  /** vectorSelector picks, per series, the newest sample in (t - lookback, t] unless it is a stale marker. */
  vectorSelector(e: VectorSelector, ts: number): VSample[] {
    const t = this.selectorTime(e, ts);
    const out: VSample[] = [];
    for (const s of this.data(e)) {
      const i = lowerBound(s.t, t + 1) - 1;
      if (i < 0) continue;
      const st = s.t[i]!;
      if (st <= t - this.ctx.lookbackMs) continue;
      const v = s.v[i]!;
      if (isStaleNaN(v)) continue;
      out.push({ labels: s.labels, v, ts: st, dropName: false });
    }
    countSamples(this.ctx, out.length);
    return out;
  }

  /** matrixSelector returns every non-stale sample of each series in the left-open window (t - range, t]. */
  matrixSelector(e: MatrixSelector, ts: number): MSeries[] {
    const t = this.selectorTime(e.vector, ts);
    const out: MSeries[] = [];
    let n = 0;
    for (const s of this.data(e.vector)) {
      const lo = lowerBound(s.t, t - e.rangeMs + 1);
      const hi = lowerBound(s.t, t + 1);
      if (lo >= hi) continue;
      const pt: number[] = [];
      const pv: number[] = [];
      for (let i = lo; i < hi; i++) {
        const v = s.v[i]!;
        if (isStaleNaN(v)) continue;
        pt.push(s.t[i]!);
        pv.push(v);
      }
      if (pt.length === 0) continue;
      n += pt.length;
      out.push({ labels: s.labels, t: pt, v: pv, dropName: false });
    }
    countSamples(this.ctx, n);
    return out;
  }

  /**
   * windowCall evaluates a range function applied straight to a matrix selector (`rate(x[5m])`) over the
   * fetched arrays in place: the window is a pair of indices, not a copy, which matrixSelector would make
   * per series per step. A series holding staleness markers takes the copying path, which drops them.
   */
  windowCall(e: Call, m: MatrixSelector, fn: WindowFn, ts: number): VSample[] {
    const t = this.selectorTime(m.vector, ts);
    const dropName = !KEEPS_NAME.has(e.func);
    const wantResets = COUNTS_RESETS.has(e.func);
    const out: VSample[] = [];
    let n = 0;
    for (const s of this.data(m.vector)) {
      let lo = lowerBound(s.t, t - m.rangeMs + 1);
      let hi = lowerBound(s.t, t + 1);
      if (lo >= hi) continue;
      let pt: ArrayLike<number> = s.t;
      let pv: ArrayLike<number> = s.v;
      // One window per series (an instant query, as rules run): scanning the window beats memoising
      // resets and staleness over the whole series, which only pays when many steps reuse the series.
      const once = this.ctx.step === 0 && this.subqueryDepth === 0;
      let resets = wantResets && !once ? resetsOf(s) : undefined;
      if (once ? staleIn(s.v, lo, hi) : hasStale(s)) {
        resets = undefined;
        const ct: number[] = [];
        const cv: number[] = [];
        for (let i = lo; i < hi; i++) {
          const v = s.v[i]!;
          if (isStaleNaN(v)) continue;
          ct.push(s.t[i]!);
          cv.push(v);
        }
        if (ct.length === 0) continue;
        [pt, pv, lo, hi] = [ct, cv, 0, ct.length];
      }
      n += hi - lo;
      counterInfo(this.ctx, e, s);
      const v = fn(pt, pv, lo, hi, t, m.rangeMs, resets);
      if (v !== null) out.push({ labels: s.labels, v, ts, dropName });
    }
    countSamples(this.ctx, n);
    return out;
  }

  /** subqueryTimes lists the absolute, step-aligned times a subquery evaluates its inner expression at. */
  subqueryTimes(e: SubqueryExpr, ts: number): number[] {
    const step = e.stepMs || this.ctx.subqueryStepMs;
    const end = this.selectorTime(e, ts);
    const mint = end - e.rangeMs;
    let start = step * Math.trunc(mint / step);
    if (start <= mint) start += step;
    const out: number[] = [];
    for (let t = start; t <= end; t += step) out.push(t);
    return out;
  }

  /** subquery evaluates the inner expression at each subquery step and gathers the points per series. */
  subquery(e: SubqueryExpr, ts: number): MSeries[] {
    this.subqueryDepth++;
    try {
      return this.subqueryPoints(e, ts);
    } finally {
      this.subqueryDepth--;
    }
  }

  private subqueryPoints(e: SubqueryExpr, ts: number): MSeries[] {
    const collector = new SeriesCollector();
    let cache = this.subqueryCache.get(e);
    if (cache === undefined) this.subqueryCache.set(e, (cache = new Map()));
    for (const t of this.subqueryTimes(e, ts)) {
      let samples = cache.get(t);
      if (samples === undefined) {
        const saved = this.ctx.samplesInStep;
        const v = this.eval(e.expr, t);
        this.ctx.samplesInStep = saved;
        samples =
          v.type === 'scalar'
            ? [{ labels: {}, v: v.v, ts: t, dropName: false }]
            : v.type === 'vector'
              ? v.samples
              : [];
        cache.set(t, samples);
      }
      for (const s of samples)
        if (!collector.add(s, t)) throw evalError('vector cannot contain metrics with the same labelset');
    }
    const out = collector.series();
    countSamples(
      this.ctx,
      out.reduce((a, s) => a + s.t.length, 0),
    );
    return out;
  }
}
