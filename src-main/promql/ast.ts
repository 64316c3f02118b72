/**
 * ast.ts is Vigie's typed PromQL syntax tree. Every node keeps its [start, end) character span in the query
 * text so that errors and annotations can point at it ("(1:15)") the way Prometheus does.
 */

/** ValueType is the static type of an expression, as Prometheus names it in its errors. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** Span is a node's [start, end) position in the query text. */
export interface Span {
  start: number;
  end: number;
}

/** AtModifier is a fixed evaluation time in ms, or the query's start/end. */
export type AtModifier = number | 'start' | 'end';

export interface LabelMatcherNode {
  name: string;
  type: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface NumberLiteral extends Span {
  kind: 'number';
  value: number;
}
export interface StringLiteral extends Span {
  kind: 'string';
  value: string;
}
export interface VectorSelector extends Span {
  kind: 'vectorSelector';
  /** name is the metric name written before `{`, or '' when none. */
  name: string;
  matchers: LabelMatcherNode[];
  offsetMs: number;
  at: AtModifier | null;
}
export interface MatrixSelector extends Span {
  kind: 'matrixSelector';
  vector: VectorSelector;
  rangeMs: number;
}
export interface SubqueryExpr extends Span {
  kind: 'subquery';
  expr: Expr;
  rangeMs: number;
  /** stepMs is 0 when omitted: the engine's default (the query step, or one minute). */
  stepMs: number;
  offsetMs: number;
  at: AtModifier | null;
}
export interface Call extends Span {
  kind: 'call';
  func: string;
  args: Expr[];
}
export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'quantile'
  | 'count_values'
  | 'limitk'
  | 'limit_ratio';
export interface AggregateExpr extends Span {
  kind: 'aggregate';
  op: AggregateOp;
  expr: Expr;
  param: Expr | null;
  grouping: string[];
  without: boolean;
  /** byWritten tells `sum by () (x)` from `sum(x)` for pretty printing. */
  hasGrouping: boolean;
}
export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | 'atan2'
  | '=='
  | '!='
  | '>'
  | '<'
  | '>='
  | '<='
  | 'and'
  | 'or'
  | 'unless';
export interface VectorMatching {
  card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** on is true for `on(...)`, false for `ignoring(...)` (or no clause). */
  on: boolean;
  labels: string[];
  /** include lists the extra labels of group_left/group_right. */
  include: string[];
  /** written is true when the query had an on/ignoring clause. */
  written: boolean;
}
export interface BinaryExpr extends Span {
  kind: 'binary';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  bool: boolean;
  matching: VectorMatching;
}
export interface UnaryExpr extends Span {
  kind: 'unary';
  op: '-' | '+';
  expr: Expr;
}
export interface ParenExpr extends Span {
  kind: 'paren';
  expr: Expr;
}

/** Expr is any PromQL expression. */
export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | Call
  | AggregateExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr;

/** COMPARISON_OPS are the operators that filter (or, with `bool`, return 0/1). */
export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set(['==', '!=', '>', '<', '>=', '<=']);
/** SET_OPS are the operators that combine vectors by label sets. */
export const SET_OPS: ReadonlySet<BinaryOp> = new Set(['and', 'or', 'unless']);

/** typeOf is the static type of an expression. */
export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vectorSelector':
    case 'aggregate':
      return 'vector';
    case 'matrixSelector':
    case 'subquery':
      return 'matrix';
    case 'call':
      return functionReturnType(e.func);
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'unary':
    case 'paren':
      return typeOf(e.expr);
  }
}

function functionReturnType(name: string): ValueType {
  if (name === 'time' || name === 'scalar' || name === 'pi') return 'scalar';
  return 'vector';
}

/** unwrapParens strips parentheses around an expression. */
export function unwrapParens(e: Expr): Expr {
  while (e.kind === 'paren') e = e.expr;
  return e;
}
