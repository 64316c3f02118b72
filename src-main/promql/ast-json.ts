import { typeOf, type AtModifier, type Expr, type LabelMatcherNode, type VectorSelector } from './ast';
import { formatFloat } from './values';
import { FUNCTIONS } from './signatures';

/** AstJson is one node of /api/v1/parse_query's answer: plain JSON, shaped as Prometheus 3 shapes it. */
export type AstJson = { [key: string]: unknown };

const timestamp = (at: AtModifier | null): number | null => (typeof at === 'number' ? at : null);
const startOrEnd = (at: AtModifier | null): string | null =>
  at === 'start' ? 'start' : at === 'end' ? 'end' : null;

/**
 * matchersJson lists a selector's matchers in Prometheus's order: a metric name written before the braces
 * is its matcher list's last element (the parser appends it), not the first as Vigie's AST keeps it.
 */
function matchersJson(vs: VectorSelector): { name: string; value: string; type: string }[] {
  let ms: LabelMatcherNode[] = vs.matchers;
  if (vs.name !== '' && ms[0]?.name === '__name__' && ms[0].value === vs.name) ms = [...ms.slice(1), ms[0]];
  return ms.map((m) => ({ name: m.name, value: m.value, type: m.type }));
}

/**
 * astToJson turns a parsed expression into the tree Prometheus 3's `/api/v1/parse_query` returns (its
 * translateAST, which the Prometheus UI's tree view reads): `type` names the node, durations are in ms,
 * numbers are Go-formatted strings. Experimental fields (anchored, smoothed, fill values) are left out.
 */
export function astToJson(e: Expr): AstJson {
  switch (e.kind) {
    case 'aggregate':
      return {
        type: 'aggregation',
        op: e.op,
        expr: astToJson(e.expr),
        param: e.param === null ? null : astToJson(e.param),
        grouping: e.grouping,
        without: e.without,
      };
    case 'binary': {
      const m = e.matching;
      // Prometheus's parser drops the matching unless both operands are instant vectors.
      const vectors = typeOf(e.lhs) === 'vector' && typeOf(e.rhs) === 'vector';
      return {
        type: 'binaryExpr',
        op: e.op,
        lhs: astToJson(e.lhs),
        rhs: astToJson(e.rhs),
        matching: vectors ? { card: m.card, labels: m.labels, on: m.on, include: m.include } : null,
        bool: e.bool,
      };
    }
    case 'call': {
      const sig = FUNCTIONS.get(e.func);
      return {
        type: 'call',
        func: {
          name: e.func,
          argTypes: sig?.args ?? [],
          variadic: sig?.variadic ?? 0,
          returnType: sig?.returns ?? 'vector',
        },
        args: e.args.map(astToJson),
      };
    }
    case 'matrixSelector':
      return {
        type: 'matrixSelector',
        name: e.vector.name,
        range: e.rangeMs,
        offset: e.vector.offsetMs,
        matchers: matchersJson(e.vector),
        timestamp: timestamp(e.vector.at),
        startOrEnd: startOrEnd(e.vector.at),
      };
    case 'subquery':
      return {
        type: 'subquery',
        expr: astToJson(e.expr),
        range: e.rangeMs,
        offset: e.offsetMs,
        step: e.stepMs,
        timestamp: timestamp(e.at),
        startOrEnd: startOrEnd(e.at),
      };
    case 'number':
      return { type: 'numberLiteral', val: formatFloat(e.value) };
    case 'paren':
      return { type: 'parenExpr', expr: astToJson(e.expr) };
    case 'string':
      return { type: 'stringLiteral', val: e.value };
    case 'unary':
      return { type: 'unaryExpr', op: e.op, expr: astToJson(e.expr) };
    case 'vectorSelector':
      return {
        type: 'vectorSelector',
        name: e.name,
        offset: e.offsetMs,
        matchers: matchersJson(e),
        timestamp: timestamp(e.at),
        startOrEnd: startOrEnd(e.at),
      };
  }
}
