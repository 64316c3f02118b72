import { labelsKey, type Labels } from '../common/labels';
import type { AggregateExpr, AggregateOp, Call } from './ast';
import { info, warn } from './context';
import { bucketQuantile, parseLe } from './histogram';
import type { Col, Columnar, Vec } from './columnar';
import { Unsupported } from './columnar';
import { formatFloat } from './values';
import { groupLabels } from './aggregate';

/**
 * columnar-aggregate.ts is the columnar form (columnar.ts) of aggregations and histogram_quantile: each
 * input series is assigned to its group once, then its values are folded into the group's per-step
 * accumulators, in input order, with the same arithmetic as aggregate.ts, so the sums are the same bits.
 */

const FOLDS: ReadonlySet<AggregateOp> = new Set(['sum', 'avg', 'min', 'max', 'count', 'group']);

/** supportedAggregate tells whether op has a columnar form (topk/bottomk only at the top of a query). */
export function supportedAggregate(op: AggregateOp, top: boolean): boolean {
  return FOLDS.has(op) || (top && (op === 'topk' || op === 'bottomk'));
}

/** Groups is the static assignment of input columns to groups, numbered by first appearance. */
interface Groups {
  of: Int32Array;
  labels: Labels[];
  members: number[][];
}

function assignGroups(cols: readonly Col[], labelsOf: (c: Col, i: number) => Labels | undefined): Groups {
  const byKey = new Map<string, number>();
  const g: Groups = { of: new Int32Array(cols.length).fill(-1), labels: [], members: [] };
  cols.forEach((c, i) => {
    const gl = labelsOf(c, i);
    if (gl === undefined) return;
    const key = labelsKey(gl);
    let k = byKey.get(key);
    if (k === undefined) {
      byKey.set(key, (k = g.labels.length));
      g.labels.push(gl);
      g.members.push([]);
    }
    g.of[i] = k;
    g.members[k]!.push(i);
  });
  return g;
}

/**
 * orderKept tells whether, at every step, the groups appear (by their first present member) in group
 * number order: the order the step evaluator emits them in, which later order-sensitive nodes depend on.
 */
function orderKept(cv: Columnar, cols: readonly Col[], g: Groups): boolean {
  const seen = new Int32Array(g.labels.length).fill(-1);
  for (let i = 0; i < cv.n; i++) {
    let last = -1;
    for (let c = 0; c < cols.length; c++) {
      const k = g.of[c]!;
      if (k < 0 || cols[c]!.has[i] !== 1 || seen[k] === i) continue;
      seen[k] = i;
      if (k < last) return false;
      last = k;
    }
  }
  return true;
}

/** evalAggregateColumns evaluates sum/avg/min/max/count/group, or topk/bottomk, over all steps. */
export function evalAggregateColumns(cv: Columnar, e: AggregateExpr): Vec {
  const param = e.param !== null ? cv.scalar(e.param) : undefined;
  const input = cv.vector(e.expr);
  if (!input.exact) throw new Unsupported('input order not proven');
  const cols = input.cols;
  const g = assignGroups(cols, (c) => groupLabels(c.labels, e));
  if (e.op === 'topk' || e.op === 'bottomk') return topk(cv, cols, g, param!, e.op === 'bottomk');
  const out: Col[] = [];
  for (let k = 0; k < g.labels.length; k++) {
    const members = g.members[k]!;
    const dropName = cols[members[0]!]!.dropName;
    if (members.some((c) => cols[c]!.dropName !== dropName)) throw new Unsupported('mixed name dropping');
    const o = cv.col(g.labels[k]!, dropName);
    fold(e.op, cv.n, members, cols, o);
    out.push(o);
  }
  return { type: 'vector', cols: out, exact: orderKept(cv, cols, g) };
}

/** fold computes one group's aggregate at every step into o, visiting members in input order. */
function fold(op: AggregateOp, n: number, members: readonly number[], cols: readonly Col[], o: Col): void {
  const cnt = new Float64Array(n);
  const s = o.v;
  const c = new Float64Array(n);
  const mean = op === 'avg' ? new Float64Array(n) : c;
  const inc = new Uint8Array(op === 'avg' ? n : 0);
  if (op === 'min' || op === 'max') s.fill(NaN);
  for (const m of members) {
    const { v, has } = cols[m]!;
    for (let i = 0; i < n; i++) {
      if (has[i] !== 1) continue;
      const x = v[i]!;
      const k = ++cnt[i]!;
      switch (op) {
        case 'sum': {
          const sum = s[i]!;
          const t = sum + x;
          if (t === Infinity || t === -Infinity) c[i] = 0;
          else if (Math.abs(sum) >= Math.abs(x)) c[i]! += sum - t + x;
          else c[i]! += x - t + sum;
          s[i] = t;
          break;
        }
        case 'avg':
          avgStep(x, k, i, s, c, mean, inc);
          break;
        case 'min':
          if (Number.isNaN(s[i]!) || x < s[i]!) s[i] = x;
          break;
        case 'max':
          if (Number.isNaN(s[i]!) || x > s[i]!) s[i] = x;
          break;
        default:
          break;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const k = cnt[i]!;
    if (k === 0) continue;
    o.has[i] = 1;
    if (op === 'sum') s[i] = s[i]! + c[i]!;
    else if (op === 'avg') s[i] = inc[i] === 1 ? mean[i]! + c[i]! : s[i]! / k + c[i]! / k;
    else if (op === 'count') s[i] = k;
    else if (op === 'group') s[i] = 1;
  }
}

/**
 * avgStep adds the k-th value x of step i to a mean kept as aggregate.ts's avg() keeps it: a compensated
 * sum (s, c) until it would overflow, then an incremental mean (mean, c).
 */
function avgStep(
  x: number,
  k: number,
  i: number,
  s: Float64Array,
  c: Float64Array,
  mean: Float64Array,
  inc: Uint8Array,
): void {
  if (k === 1) {
    s[i] = x;
    return;
  }
  if (inc[i] !== 1) {
    const sum = s[i]!;
    const t = sum + x;
    if (t !== Infinity && t !== -Infinity) {
      if (Math.abs(sum) >= Math.abs(x)) c[i]! += sum - t + x;
      else c[i]! += x - t + sum;
      s[i] = t;
      return;
    }
    inc[i] = 1;
    mean[i] = sum / (k - 1);
    c[i] = c[i]! / (k - 1);
  }
  const q = (k - 1) / k;
  const m = q * mean[i]!;
  const y = x / k;
  const cq = q * c[i]!;
  const t = m + y;
  if (t === Infinity || t === -Infinity) {
    mean[i] = t;
    c[i] = 0;
    return;
  }
  c[i] = Math.abs(m) >= Math.abs(y) ? cq + (m - t + y) : cq + (y - t + m);
  mean[i] = t;
}

/** TOPK_INSERT_MAX is the largest k kept by insertion (O(members·k)); larger k sort the members. */
const TOPK_INSERT_MAX = 32;

type Better = (a: number, b: number) => boolean;

/** topk keeps, per step and group, the k largest (bottomk: smallest) present members, ties in input order. */
function topk(cv: Columnar, cols: readonly Col[], g: Groups, k: Float64Array, bottom: boolean): Vec {
  for (let i = 0; i < cv.n; i++) if (Number.isNaN(k[i]!)) throw new Unsupported('NaN parameter');
  const better: Better = (a, b) => {
    if (Number.isNaN(a)) return false;
    if (Number.isNaN(b)) return true;
    return bottom ? a < b : a > b;
  };
  const out = cols.map((c) => cv.col(c.labels, c.dropName, c.v));
  const best: number[] = [];
  for (let i = 0; i < cv.n; i++) {
    const want = k[i]! < 1 ? 0 : Math.floor(k[i]!);
    if (want === 0) continue;
    for (const members of g.members) {
      if (want > TOPK_INSERT_MAX) topBySort(cols, members, i, want, better, best);
      else topByInsertion(cols, members, i, want, better, best);
      for (const m of best) out[m]!.has[i] = 1;
    }
  }
  return { type: 'vector', cols: out, exact: false };
}

/** topBySort sets best to the first `want` present members at step i of a stable sort, as aggregate.ts. */
function topBySort(
  cols: readonly Col[],
  members: readonly number[],
  i: number,
  want: number,
  better: Better,
  best: number[],
): void {
  best.length = 0;
  for (const m of members) if (cols[m]!.has[i] === 1) best.push(m);
  const vOf = (m: number): number => cols[m]!.v[i]!;
  best.sort((a, b) => (better(vOf(a), vOf(b)) ? -1 : better(vOf(b), vOf(a)) ? 1 : 0));
  best.length = Math.min(best.length, want);
}

/**
 * topByInsertion is topBySort for a small k: a member goes before the first kept one it beats, so ties
 * stay in input order as the stable sort leaves them.
 */
function topByInsertion(
  cols: readonly Col[],
  members: readonly number[],
  i: number,
  want: number,
  better: Better,
  best: number[],
): void {
  best.length = 0;
  for (const m of members) {
    if (cols[m]!.has[i] !== 1) continue;
    const x = cols[m]!.v[i]!;
    let j = 0;
    while (j < best.length && !better(x, cols[best[j]!]!.v[i]!)) j++;
    if (j >= want) continue;
    best.splice(j, 0, m);
    if (best.length > want) best.pop();
  }
}

/** evalHistogramQuantileColumns is histogram_quantile over classic buckets at every step. */
export function evalHistogramQuantileColumns(cv: Columnar, e: Call): Vec {
  const q = cv.scalar(e.args[0]!);
  for (let i = 0; i < cv.n; i++)
    if (!(q[i]! >= 0 && q[i]! <= 1))
      warn(cv.ctx, `quantile value should be between 0 and 1, got ${formatFloat(q[i]!)}`, e.args[0]!.start);
  const input = cv.vector(e.args[1]!);
  if (!input.exact) throw new Unsupported('input order not proven');
  const cols = input.cols;
  const ubs = new Float64Array(cols.length);
  const g = assignGroups(cols, (c, ci) => {
    const le = c.labels.le;
    const ub = le === undefined ? NaN : parseLe(le);
    if (Number.isNaN(ub)) {
      const name = c.labels.__name__;
      warn(
        cv.ctx,
        `bucket label "le" is missing or has a malformed value of ${JSON.stringify(le ?? '')}${
          name !== undefined ? ` for metric name ${JSON.stringify(name)}` : ''
        }`,
        e.args[1]!.start,
      );
      return undefined;
    }
    ubs[ci] = ub;
    const { le: _le, ...rest } = c.labels;
    return rest;
  });
  const out: Col[] = [];
  const buckets: { ub: number; count: number }[] = [];
  for (let k = 0; k < g.labels.length; k++) {
    const o = cv.col(g.labels[k]!, true);
    for (let i = 0; i < cv.n; i++) {
      buckets.length = 0;
      for (const m of g.members[k]!)
        if (cols[m]!.has[i] === 1) buckets.push({ ub: ubs[m]!, count: cols[m]!.v[i]! });
      if (buckets.length === 0) continue;
      const r = bucketQuantile(q[i]!, buckets);
      if (r.forced)
        info(
          cv.ctx,
          `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name ${JSON.stringify(g.labels[k]!.__name__ ?? '')}`,
          e.args[1]!.start,
        );
      o.v[i] = r.v;
      o.has[i] = 1;
    }
    out.push(o);
  }
  return { type: 'vector', cols: out, exact: orderKept(cv, cols, g) };
}
