import type { SelectHints } from '../storage/api';
import type { Expr, VectorSelector } from './ast';
import type { EvalContext } from './context';

/** Selection is one selector's fetch: the inclusive time range its evaluation will read. */
export interface Selection {
  selector: VectorSelector;
  mint: number;
  maxt: number;
  hints: SelectHints;
}

/**
 * planSelections walks the AST once and computes, for every selector, the time range it needs over the whole
 * query span (offset, @, lookback, range and enclosing subqueries), so that all data is fetched up front.
 */
export function planSelections(
  expr: Expr,
  ctx: Pick<EvalContext, 'start' | 'end' | 'step' | 'lookbackMs'>,
): Selection[] {
  const out: Selection[] = [];
  const at = (a: number | 'start' | 'end'): number => (a === 'start' ? ctx.start : a === 'end' ? ctx.end : a);
  const walk = (e: Expr, lo: number, hi: number, func?: string): void => {
    switch (e.kind) {
      case 'vectorSelector': {
        const [a, b] = e.at !== null ? [at(e.at), at(e.at)] : [lo, hi];
        out.push({
          selector: e,
          mint: a - e.offsetMs - ctx.lookbackMs,
          maxt: b - e.offsetMs,
          hints: { step: ctx.step },
        });
        return;
      }
      case 'matrixSelector': {
        const v = e.vector;
        const [a, b] = v.at !== null ? [at(v.at), at(v.at)] : [lo, hi];
        out.push({
          selector: v,
          mint: a - v.offsetMs - e.rangeMs,
          maxt: b - v.offsetMs,
          hints: { step: ctx.step, range: e.rangeMs, ...(func !== undefined ? { func } : {}) },
        });
        return;
      }
      case 'subquery': {
        const [a, b] = e.at !== null ? [at(e.at), at(e.at)] : [lo, hi];
        walk(e.expr, a - e.offsetMs - e.rangeMs, b - e.offsetMs);
        return;
      }
      case 'call':
        for (const arg of e.args) walk(arg, lo, hi, e.func);
        return;
      case 'aggregate':
        walk(e.expr, lo, hi);
        if (e.param !== null) walk(e.param, lo, hi);
        return;
      case 'binary':
        walk(e.lhs, lo, hi);
        walk(e.rhs, lo, hi);
        return;
      case 'unary':
      case 'paren':
        walk(e.expr, lo, hi);
        return;
      default:
        return;
    }
  };
  walk(expr, ctx.start, ctx.end);
  return out;
}
