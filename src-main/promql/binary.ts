import { labelsKey, type Labels } from '../common/labels';
import { COMPARISON_OPS, SET_OPS, type BinaryExpr, type BinaryOp, type VectorMatching } from './ast';
import { evalError } from './context';
import type { Evaluator } from './evaluator';
import { dropMetricName, keyOf, labelsString, type Value, type VSample } from './values';

/** scalarOp applies an arithmetic or comparison operator to two floats (comparisons give 1/0). */
export function scalarOp(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return goMod(l, r);
    case '^':
      return Math.pow(l, r);
    case 'atan2':
      return Math.atan2(l, r);
    case '==':
      return l === r ? 1 : 0;
    case '!=':
      return l !== r ? 1 : 0;
    case '>':
      return l > r ? 1 : 0;
    case '<':
      return l < r ? 1 : 0;
    case '>=':
      return l >= r ? 1 : 0;
    case '<=':
      return l <= r ? 1 : 0;
    default:
      throw evalError(`operator "${op}" not allowed for scalar operations`);
  }
}

/** goMod is Go's math.Mod: the result has the sign of the dividend (same as JS %, kept explicit). */
function goMod(l: number, r: number): number {
  return l % r;
}

/** signature is the matching key of a sample's labels under on(...)/ignoring(...). */
function signature(labels: Labels, m: VectorMatching): string {
  let memo = signatureMemo.get(m);
  if (memo === undefined) signatureMemo.set(m, (memo = new WeakMap()));
  let sig = memo.get(labels);
  if (sig === undefined) memo.set(labels, (sig = computeSignature(labels, m)));
  return sig;
}

/** signatureMemo caches matching keys per matching clause and label-set object across steps. */
const signatureMemo = new WeakMap<VectorMatching, WeakMap<Labels, string>>();

/** computeSignature is the matching key of labels under on(...)/ignoring(...). */
export function computeSignature(labels: Labels, m: VectorMatching): string {
  const out: Record<string, string> = {};
  if (m.on) {
    for (const n of m.labels) if (labels[n] !== undefined) out[n] = labels[n]!;
  } else {
    for (const n in labels) if (n !== '__name__' && !m.labels.includes(n)) out[n] = labels[n]!;
  }
  return labelsKey(out);
}

function matchedLabels(labels: Labels, m: VectorMatching): Labels {
  const out: Record<string, string> = {};
  if (m.on) {
    for (const n of m.labels) if (labels[n] !== undefined) out[n] = labels[n]!;
  } else for (const n in labels) if (n !== '__name__' && !m.labels.includes(n)) out[n] = labels[n]!;
  return out;
}

/** evalBinary evaluates a binary expression at one time. */
export function evalBinary(ev: Evaluator, e: BinaryExpr, ts: number): Value {
  const l = ev.eval(e.lhs, ts);
  const r = ev.eval(e.rhs, ts);
  const cmp = COMPARISON_OPS.has(e.op);
  if (l.type === 'scalar' && r.type === 'scalar') return { type: 'scalar', v: scalarOp(e.op, l.v, r.v) };
  if (l.type === 'vector' && r.type === 'scalar') return vectorScalar(e, l.samples, r.v, false, cmp);
  if (l.type === 'scalar' && r.type === 'vector') return vectorScalar(e, r.samples, l.v, true, cmp);
  if (l.type !== 'vector' || r.type !== 'vector') throw evalError('binary expression on unsupported types');
  if (SET_OPS.has(e.op)) return { type: 'vector', samples: setOp(e, l.samples, r.samples) };
  return { type: 'vector', samples: vectorVector(e, l.samples, r.samples, cmp) };
}

function vectorScalar(e: BinaryExpr, vec: VSample[], s: number, swap: boolean, cmp: boolean): Value {
  const out: VSample[] = [];
  for (const x of vec) {
    const res = swap ? scalarOp(e.op, s, x.v) : scalarOp(e.op, x.v, s);
    if (cmp) {
      if (e.bool) out.push({ ...x, v: res, dropName: true });
      else if (res === 1) out.push(x);
    } else out.push({ ...x, v: res, dropName: true });
  }
  return { type: 'vector', samples: out };
}

function setOp(e: BinaryExpr, lhs: VSample[], rhs: VSample[]): VSample[] {
  const m = e.matching;
  if (e.op === 'or') {
    if (lhs.length === 0) return rhs;
    if (rhs.length === 0) return lhs;
    const left = new Set(lhs.map((s) => signature(s.labels, m)));
    return [...lhs, ...rhs.filter((s) => !left.has(signature(s.labels, m)))];
  }
  const right = new Set(rhs.map((s) => signature(s.labels, m)));
  if (e.op === 'and') return lhs.filter((s) => right.has(signature(s.labels, m)));
  return lhs.filter((s) => !right.has(signature(s.labels, m)));
}

function vectorVector(e: BinaryExpr, lhsIn: VSample[], rhsIn: VSample[], cmp: boolean): VSample[] {
  const m = e.matching;
  if (lhsIn.length === 0 || rhsIn.length === 0) return [];
  const swapped = m.card === 'one-to-many';
  const [lhs, rhs] = swapped ? [rhsIn, lhsIn] : [lhsIn, rhsIn];
  const right = new Map<string, VSample>();
  for (const rs of rhs) {
    const sig = signature(rs.labels, m);
    const dup = right.get(sig);
    if (dup !== undefined) {
      let [a, b] = [labelsString(rs.labels), labelsString(dup.labels)];
      if (a > b) [a, b] = [b, a];
      throw evalError(
        `found duplicate series for the match group ${labelsString(matchedLabels(rs.labels, m))} on the ${
          swapped ? 'left' : 'right'
        } hand-side of the operation: [${a}, ${b}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    right.set(sig, rs);
  }
  const matchedOne = new Set<string>();
  const matchedMany = new Map<string, Set<string>>();
  const out: VSample[] = [];
  for (const ls of lhs) {
    const sig = signature(ls.labels, m);
    const rs = right.get(sig);
    if (rs === undefined) continue;
    const [lv, rv] = swapped ? [rs.v, ls.v] : [ls.v, rs.v];
    const res = scalarOp(e.op, lv, rv);
    const keep = !cmp || res === 1;
    const metric = resultLabelsOf(ls.labels, rs.labels, m, cmp);
    if (m.card === 'one-to-one') {
      if (matchedOne.has(sig))
        throw evalError(
          'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
        );
      matchedOne.add(sig);
    } else {
      const key = keyOf(metric);
      let set = matchedMany.get(sig);
      if (set === undefined) matchedMany.set(sig, (set = new Set()));
      if (set.has(key))
        throw evalError('multiple matches for labels: grouping labels must ensure unique matches');
      set.add(key);
    }
    if (!keep && !e.bool) continue;
    const value = e.bool ? (keep ? 1 : 0) : cmp ? lv : res;
    out.push({ labels: metric, v: value, ts: ls.ts, dropName: e.bool });
  }
  return out;
}

/** resultMemo caches result label sets per matching clause, comparison flag and (lhs, rhs) label objects. */
const resultMemo = new WeakMap<VectorMatching, WeakMap<Labels, WeakMap<Labels, Labels>>[]>();

/**
 * resultLabelsOf is resultLabels memoised, so that a pair of series yields the same Labels object at every
 * step of a range query: the aggregation, collector and key memos downstream are keyed by that object, and a
 * fresh object per step made each of them hash the labels again (most of a binary panel's engine time).
 */
function resultLabelsOf(l: Labels, r: Labels, m: VectorMatching, cmp: boolean): Labels {
  let byFlag = resultMemo.get(m);
  if (byFlag === undefined) resultMemo.set(m, (byFlag = [new WeakMap(), new WeakMap()]));
  const byL = byFlag[cmp ? 1 : 0]!;
  let byR = byL.get(l);
  if (byR === undefined) byL.set(l, (byR = new WeakMap()));
  let out = byR.get(r);
  if (out === undefined) byR.set(r, (out = resultLabels(l, r, m, cmp)));
  return out;
}

function resultLabels(l: Labels, r: Labels, m: VectorMatching, cmp: boolean): Labels {
  let out: Record<string, string> = { ...(cmp ? l : dropMetricName(l)) };
  if (m.card === 'one-to-one') {
    if (m.on) {
      const kept: Record<string, string> = {};
      for (const n of m.labels) if (out[n] !== undefined) kept[n] = out[n]!;
      out = kept;
    } else for (const n of m.labels) delete out[n];
  }
  for (const n of m.include) {
    const v = r[n];
    if (v !== undefined && v !== '') out[n] = v;
    else delete out[n];
  }
  return out;
}
