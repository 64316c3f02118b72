import type { Expr } from '../ast';
import { formatExpr, parseExpr } from '../parse';

/** AT_UNSAFE lists functions whose result depends on the evaluation time even with step-invariant inputs. */
const AT_UNSAFE = new Set([
  'days_in_month',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'hour',
  'minute',
  'month',
  'year',
  'predict_linear',
  'time',
  'timestamp',
]);

/** AtVariant is an instant query re-run: the expression with `@ evalTime` pinned, at another time. */
export interface AtVariant {
  expr: string;
  evalTime: number;
}

/**
 * atModifierVariants mirrors promqltest's step-invariance check: every outermost selector and subquery without
 * an @ gets `@ evalTime`, and the query must then give the same result at other evaluation times.
 */
export function atModifierVariants(text: string, evalTime: number): AtVariant[] {
  const expr = structuredClone(parseExpr(text));
  let unsafe = false;
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'vectorSelector':
        if (e.at === null) e.at = evalTime;
        return;
      case 'matrixSelector':
        if (e.vector.at === null) e.vector.at = evalTime;
        return;
      case 'subquery':
        if (e.at === null) e.at = evalTime;
        // Selectors inside a pinned subquery keep their own times.
        return;
      case 'call':
        if (AT_UNSAFE.has(e.func)) unsafe = true;
        return e.args.forEach(walk);
      case 'aggregate':
        walk(e.expr);
        if (e.param !== null) walk(e.param);
        return;
      case 'binary':
        walk(e.lhs);
        return walk(e.rhs);
      case 'unary':
      case 'paren':
        return walk(e.expr);
      default:
        return;
    }
  };
  walk(expr);
  if (unsafe) return [];
  const pinned = formatExpr(expr);
  const times =
    evalTime === 0
      ? [-1000, 0, 1000]
      : [-10 * evalTime, 0, Math.trunc(evalTime / 5), evalTime, 10 * evalTime];
  return times.map((t) => ({ expr: pinned, evalTime: t }));
}
