import { isStaleNaN } from '../common/sample';
import type { Labels } from '../common/labels';
import type { SeriesData } from '../storage/api';
import { COMPARISON_OPS, SET_OPS, unwrapParens, type BinaryExpr, type Call, type Expr } from './ast';
import type { MatrixSelector, VectorMatching, VectorSelector } from './ast';
import { computeSignature, scalarOp } from './binary';
import { evalAggregateColumns, evalHistogramQuantileColumns, supportedAggregate } from './columnar-aggregate';
import { QueryError } from './api';
import { checkLimits, type EvalContext } from './context';
import { COUNTS_RESETS, counterInfo, KEEPS_NAME, resetCounts, WINDOW_FUNCTIONS } from './range-functions';
import type { WindowFn } from './range-functions';
import { dropMetricName, keyOf, type MSeries } from './values';

/**
 * columnar.ts evaluates a range query a whole series at a time instead of a step at a time. The step
 * evaluator (evaluator.ts) redoes per step and per series what a range query could do once: two binary
 * searches per window, a sample object, a group lookup by label text, a collector lookup. Here every node
 * yields columns (one value per step of the query, with a presence mask), a window function slides two
 * indices along a series, and an aggregation assigns each series to its group once. It covers the shapes
 * dashboards are made of (selectors, window functions over selectors, sum/avg/min/max/count/group,
 * topk/bottomk at the top, histogram_quantile, arithmetic and comparisons with one-to-one matching) and
 * gives the step evaluator's numbers bit for bit: values are combined in the order the step evaluator
 * combines them, and where that order cannot be proven the same (see Vec.exact), or data would make the
 * step evaluator fail (duplicate series, sample limit), it gives up and the step evaluator runs instead.
 */

/** Col is one series of a columnar value: its value at step i where has[i] is 1. */
export interface Col {
  labels: Labels;
  v: Float64Array;
  has: Uint8Array;
  dropName: boolean;
}

/**
 * Vec is an instant vector at every step. exact tells that at every step the present columns, in array
 * order, are the samples in the order the step evaluator would hold them; order-sensitive consumers (a
 * compensated sum, topk's tie break) require it.
 */
export interface Vec {
  type: 'vector';
  cols: Col[];
  exact: boolean;
}

/** CValue is what a node evaluates to: a scalar per step or a vector of columns. */
export type CValue = { type: 'scalar'; v: Float64Array } | Vec;

/** Unsupported makes the columnar evaluator give way to the step evaluator. */
export class Unsupported extends Error {}

/** DEFAULT_COLUMNAR_MAX_CELLS bounds the step values one columnar evaluation may hold (9 B each): ~90 MB. */
export const DEFAULT_COLUMNAR_MAX_CELLS = 10_000_000;

/**
 * columnarSupported tells whether every node of e has a columnar form (topk/bottomk only at the top,
 * where their output order does not matter).
 */
export function columnarSupported(e: Expr, top = true): boolean {
  switch (e.kind) {
    case 'number':
    case 'vectorSelector':
      return true;
    case 'paren':
      return columnarSupported(e.expr, top);
    case 'unary':
      return columnarSupported(e.expr, false);
    case 'call': {
      if (e.func === 'histogram_quantile')
        return columnarSupported(e.args[0]!, false) && columnarSupported(e.args[1]!, false);
      return WINDOW_FUNCTIONS.has(e.func) && unwrapParens(e.args[0]!).kind === 'matrixSelector';
    }
    case 'aggregate':
      return (
        supportedAggregate(e.op, top) &&
        columnarSupported(e.expr, false) &&
        (e.param === null || columnarSupported(e.param, false))
      );
    case 'binary':
      return (
        !SET_OPS.has(e.op) &&
        e.matching.card === 'one-to-one' &&
        e.matching.include.length === 0 &&
        columnarSupported(e.lhs, false) &&
        columnarSupported(e.rhs, false)
      );
    default:
      return false;
  }
}

/** columnarStats counts range queries answered by columnar evaluation and those it gave way on. */
export const columnarStats = { used: 0, gaveWay: 0 };

/**
 * evalRangeColumnar evaluates a range query's expression over ctx's fetched data, or returns undefined
 * (leaving ctx's annotations as they were) when the step evaluator must do it.
 */
export function evalRangeColumnar(expr: Expr, ctx: EvalContext, maxCells: number): MSeries[] | undefined {
  if (!columnarSupported(expr)) return undefined;
  const warnings = [...ctx.warnings];
  const infos = [...ctx.infos];
  try {
    const c = new Columnar(ctx, maxCells);
    const out = c.output(c.eval(expr));
    for (let i = 0; i < c.n; i++) if (c.counts[i]! > ctx.maxSamples) throw new Unsupported('sample limit');
    columnarStats.used++;
    return out;
  } catch (err) {
    // A timeout or cancellation is the answer; anything else is left for the step evaluator to report.
    if (err instanceof QueryError && (err.type === 'timeout' || err.type === 'canceled')) throw err;
    columnarStats.gaveWay++;
    ctx.warnings.clear();
    ctx.infos.clear();
    for (const w of warnings) ctx.warnings.add(w);
    for (const i of infos) ctx.infos.add(i);
    return undefined;
  }
}

/** Columnar evaluates nodes over all steps of one range query. */
export class Columnar {
  /** times are the steps, computed as the step evaluator's loop computes them. */
  readonly times: number[] = [];
  readonly n: number;
  /** counts[i] is the samples loaded at step i, as the step evaluator counts them (its maxSamples). */
  readonly counts: Float64Array;
  private cells = 0;

  constructor(
    readonly ctx: EvalContext,
    private readonly maxCells: number,
  ) {
    for (let t = ctx.start; t <= ctx.end; t += ctx.step) this.times.push(t);
    this.n = this.times.length;
    this.counts = new Float64Array(this.n);
  }

  /** col allocates a column (or only its presence mask, sharing values v), within the cell budget. */
  col(labels: Labels, dropName: boolean, v?: Float64Array): Col {
    this.cells += this.n;
    if (this.cells > this.maxCells) throw new Unsupported('too many cells');
    return { labels, v: v ?? new Float64Array(this.n), has: new Uint8Array(this.n), dropName };
  }

  eval(e: Expr): CValue {
    switch (e.kind) {
      case 'number':
        return { type: 'scalar', v: new Float64Array(this.n).fill(e.value) };
      case 'paren':
        return this.eval(e.expr);
      case 'unary':
        return this.unary(e.op, this.eval(e.expr));
      case 'vectorSelector':
        return this.vectorSelector(e);
      case 'call':
        if (e.func === 'histogram_quantile') return evalHistogramQuantileColumns(this, e);
        return this.windowCall(e, unwrapParens(e.args[0]!) as MatrixSelector);
      case 'aggregate':
        return evalAggregateColumns(this, e);
      case 'binary':
        return this.binary(e);
      default:
        throw new Unsupported(e.kind);
    }
  }

  vector(e: Expr): Vec {
    const v = this.eval(e);
    if (v.type !== 'vector') throw new Unsupported('expected a vector');
    return v;
  }

  scalar(e: Expr): Float64Array {
    const v = this.eval(e);
    if (v.type !== 'scalar') throw new Unsupported('expected a scalar');
    return v.v;
  }

  /** selectorTimes is a selector's reference time at every step (after @ and offset), non-decreasing. */
  private selectorTimes(e: { at: VectorSelector['at']; offsetMs: number }): Float64Array {
    const out = new Float64Array(this.n);
    const { at } = e;
    for (let i = 0; i < this.n; i++) {
      const base =
        at === null ? this.times[i]! : at === 'start' ? this.ctx.start : at === 'end' ? this.ctx.end : at;
      out[i] = base - e.offsetMs;
    }
    return out;
  }

  private data(e: VectorSelector): SeriesData[] {
    const d = this.ctx.data.get(e);
    if (d === undefined) throw new Unsupported('selector data was not fetched');
    return d;
  }

  /** vectorSelector takes, per step, the newest sample within the lookback unless it is a stale marker. */
  private vectorSelector(e: VectorSelector): Vec {
    const T = this.selectorTimes(e);
    const lookback = this.ctx.lookbackMs;
    const cols: Col[] = [];
    for (const s of this.data(e)) {
      checkLimits(this.ctx);
      const c = this.col(s.labels, false);
      const st = s.t;
      const sv = s.v;
      let j = 0;
      let any = false;
      for (let i = 0; i < this.n; i++) {
        const t = T[i]!;
        while (j < st.length && st[j]! < t + 1) j++;
        if (j === 0 || st[j - 1]! <= t - lookback) continue;
        const x = sv[j - 1]!;
        if (x !== x && isStaleNaN(x)) continue;
        c.v[i] = x;
        c.has[i] = 1;
        this.counts[i]!++;
        any = true;
      }
      if (any) cols.push(c);
    }
    return { type: 'vector', cols, exact: true };
  }

  /** windowCall applies a window function along each series, sliding the window's two ends. */
  private windowCall(e: Call, m: MatrixSelector): Vec {
    const fn: WindowFn = WINDOW_FUNCTIONS.get(e.func)!;
    const T = this.selectorTimes(m.vector);
    const range = m.rangeMs;
    const dropName = !KEEPS_NAME.has(e.func);
    const wantResets = COUNTS_RESETS.has(e.func);
    const cols: Col[] = [];
    for (const s of this.data(m.vector)) {
      checkLimits(this.ctx);
      const [t, v] = withoutStale(s);
      const resets = wantResets ? resetCounts(v) : undefined;
      const c = this.col(s.labels, dropName);
      let lo = 0;
      let hi = 0;
      let any = false;
      for (let i = 0; i < this.n; i++) {
        const end = T[i]!;
        const from = end - range + 1;
        while (lo < t.length && t[lo]! < from) lo++;
        if (hi < lo) hi = lo;
        while (hi < t.length && t[hi]! < end + 1) hi++;
        if (lo >= hi) continue;
        this.counts[i]! += hi - lo;
        if (!any) counterInfo(this.ctx, e, s);
        any = true;
        const r = fn(t, v, lo, hi, end, range, resets);
        if (r === null) continue;
        c.v[i] = r;
        c.has[i] = 1;
      }
      if (any) cols.push(c);
    }
    return { type: 'vector', cols, exact: true };
  }

  private unary(op: '-' | '+', x: CValue): CValue {
    if (op === '+') return x;
    if (x.type === 'scalar') return { type: 'scalar', v: x.v.map((y) => -y) };
    const cols = x.cols.map((c) => {
      const o = this.col(c.labels, true);
      o.has.set(c.has);
      for (let i = 0; i < this.n; i++) if (c.has[i] === 1) o.v[i] = -c.v[i]!;
      return o;
    });
    return { type: 'vector', cols, exact: x.exact };
  }

  private binary(e: BinaryExpr): CValue {
    const l = this.eval(e.lhs);
    const r = this.eval(e.rhs);
    const cmp = COMPARISON_OPS.has(e.op);
    if (l.type === 'scalar' && r.type === 'scalar') {
      const out = new Float64Array(this.n);
      for (let i = 0; i < this.n; i++) out[i] = scalarOp(e.op, l.v[i]!, r.v[i]!);
      return { type: 'scalar', v: out };
    }
    if (l.type === 'vector' && r.type === 'scalar') return this.vectorScalar(e, l, r.v, false, cmp);
    if (l.type === 'scalar' && r.type === 'vector') return this.vectorScalar(e, r, l.v, true, cmp);
    return this.vectorVector(e, l as Vec, r as Vec, cmp);
  }

  private vectorScalar(e: BinaryExpr, x: Vec, s: Float64Array, swap: boolean, cmp: boolean): Vec {
    const cols: Col[] = [];
    for (const c of x.cols) {
      const o = this.col(c.labels, cmp && !e.bool ? c.dropName : true);
      let any = false;
      for (let i = 0; i < this.n; i++) {
        if (c.has[i] !== 1) continue;
        const res = swap ? scalarOp(e.op, s[i]!, c.v[i]!) : scalarOp(e.op, c.v[i]!, s[i]!);
        if (cmp && !e.bool && res !== 1) continue;
        o.v[i] = cmp && !e.bool ? c.v[i]! : res;
        o.has[i] = 1;
        any = true;
      }
      if (any) cols.push(o);
    }
    return { type: 'vector', cols, exact: x.exact };
  }

  /** vectorVector is one-to-one matching; a match group with two series on one side is left to the step evaluator. */
  private vectorVector(e: BinaryExpr, l: Vec, r: Vec, cmp: boolean): Vec {
    const m = e.matching;
    const right = new Map<string, Col>();
    for (const c of r.cols) {
      const sig = computeSignature(c.labels, m);
      if (right.has(sig)) throw new Unsupported('duplicate match group on the right');
      right.set(sig, c);
    }
    const left = new Set<string>();
    const cols: Col[] = [];
    for (const c of l.cols) {
      const sig = computeSignature(c.labels, m);
      if (left.has(sig)) throw new Unsupported('duplicate match group on the left');
      left.add(sig);
      const rc = right.get(sig);
      if (rc === undefined) continue;
      const o = this.col(resultLabels(c.labels, m, cmp), e.bool);
      let any = false;
      for (let i = 0; i < this.n; i++) {
        if (c.has[i] !== 1 || rc.has[i] !== 1) continue;
        const lv = c.v[i]!;
        const res = scalarOp(e.op, lv, rc.v[i]!);
        const keep = !cmp || res === 1;
        if (!keep && !e.bool) continue;
        o.v[i] = e.bool ? (keep ? 1 : 0) : cmp ? lv : res;
        o.has[i] = 1;
        any = true;
      }
      if (any) cols.push(o);
    }
    return { type: 'vector', cols, exact: l.exact };
  }

  /**
   * output turns the top value into series as the engine's per-step collector would: columns with the
   * same labels (and name-dropping flag) are one series; two samples of one at the same step are the
   * step evaluator's error to report.
   */
  output(x: CValue): MSeries[] {
    const t = this.times;
    if (x.type === 'scalar') return [{ labels: {}, t: [...t], v: Array.from(x.v), dropName: false }];
    const byKey = new Map<string, MSeries>();
    for (const c of x.cols) {
      const pt: number[] = [];
      const pv: number[] = [];
      for (let i = 0; i < this.n; i++)
        if (c.has[i] === 1) {
          pt.push(t[i]!);
          pv.push(c.v[i]!);
        }
      if (pt.length === 0) continue;
      const key = keyOf(c.labels) + (c.dropName ? '!' : '');
      const prev = byKey.get(key);
      if (prev === undefined) {
        byKey.set(key, { labels: c.labels, t: pt, v: pv, dropName: c.dropName });
        continue;
      }
      const times = new Set(prev.t);
      if (pt.some((s) => times.has(s))) throw new Unsupported('duplicate series');
      const pts = prev.t
        .map((s, i) => [s, prev.v[i]!] as const)
        .concat(pt.map((s, i) => [s, pv[i]!] as const));
      pts.sort((a, b) => a[0] - b[0]);
      prev.t = pts.map((p) => p[0]);
      prev.v = pts.map((p) => p[1]);
    }
    return [...byKey.values()];
  }
}

/** withoutStale returns a series' arrays without staleness markers (the same arrays when it has none). */
function withoutStale(s: SeriesData): [Float64Array, Float64Array] {
  let stale = 0;
  for (let i = 0; i < s.v.length; i++) {
    const x = s.v[i]!;
    if (x !== x && isStaleNaN(x)) stale++;
  }
  if (stale === 0) return [s.t, s.v];
  const t = new Float64Array(s.t.length - stale);
  const v = new Float64Array(s.t.length - stale);
  let j = 0;
  for (let i = 0; i < s.v.length; i++) {
    const x = s.v[i]!;
    if (x !== x && isStaleNaN(x)) continue;
    t[j] = s.t[i]!;
    v[j++] = x;
  }
  return [t, v];
}

/** resultLabels is a one-to-one match's output labels, as binary.ts computes them. */
function resultLabels(l: Labels, m: VectorMatching, cmp: boolean): Labels {
  let out: Record<string, string> = { ...(cmp ? l : dropMetricName(l)) };
  if (m.on) {
    const kept: Record<string, string> = {};
    for (const n of m.labels) if (out[n] !== undefined) kept[n] = out[n]!;
    out = kept;
  } else for (const n of m.labels) delete out[n];
  return out;
}
