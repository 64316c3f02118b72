import type { Expr } from './ast';
import { aggregatePrefix, formatExpr, formatMatching, subquerySuffix } from './format';

/** MAX_LINE is Prometheus's maxCharactersPerLine: a node printed longer than this is split over lines. */
const MAX_LINE = 100;

const indent = (level: number): string => '  '.repeat(level);
const encoder = new TextEncoder();

/**
 * prettyExpr prints an expression the way Prometheus's `Pretty(level)` does (what /api/v1/format_query and
 * `promtool promql format` answer): a node whose one-line form fits in 100 bytes stays on one line, a longer
 * aggregation, call, parenthesis or binary operation puts its operands on their own lines, two spaces deeper.
 * The quirks are Prometheus's own (a short subquery is not indented; a unary minus trims its operand).
 */
export function prettyExpr(e: Expr, level = 0): string {
  const flat = formatExpr(e);
  const split = encoder.encode(flat).length > MAX_LINE;
  const ind = indent(level);
  switch (e.kind) {
    case 'aggregate': {
      if (!split) return ind + flat;
      let s = `${ind}${aggregatePrefix(e)}(\n`;
      if (e.param !== null) s += `${prettyExpr(e.param, level + 1)},\n`;
      return `${s}${prettyExpr(e.expr, level + 1)}\n${ind})`;
    }
    case 'binary': {
      if (!split) return ind + flat;
      const op = `${e.op}${e.bool ? ' bool' : ''}${formatMatching(e.matching)}`;
      return `${prettyExpr(e.lhs, level + 1)}\n${ind}${op}\n${prettyExpr(e.rhs, level + 1)}`;
    }
    case 'call':
      if (!split || e.args.length === 0) return ind + flat;
      return `${ind}${e.func}(\n${e.args.map((a) => prettyExpr(a, level + 1)).join(',\n')}\n${ind})`;
    case 'paren':
      if (!split) return ind + flat;
      return `${ind}(\n${prettyExpr(e.expr, level + 1)}\n${ind})`;
    case 'subquery':
      if (!split) return flat;
      return prettyExpr(e.expr, level) + subquerySuffix(e);
    case 'unary':
      return `${ind}${e.op}${prettyExpr(e.expr, level).trim()}`;
    default:
      return ind + flat;
  }
}
