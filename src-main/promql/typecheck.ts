import { QueryError } from './api';
import { COMPARISON_OPS, SET_OPS, typeOf, type BinaryExpr, type Expr, type LabelMatcherNode } from './ast';
import { translateRE2 } from './re2';
import { typeName } from './signatures';

/** ParseError is a syntax or type error at a character offset of the query. */
export class ParseError extends QueryError {
  constructor(
    readonly pos: number,
    detail: string,
  ) {
    super('bad_data', `parse error at char ${pos + 1}: ${detail}`);
  }
}

/** checkBinary validates operand types and modifiers of a binary expression as Prometheus's parser does. */
export function checkBinary(e: BinaryExpr): void {
  const { op, bool, matching } = e;
  const fail = (msg: string): never => {
    throw new ParseError(e.start, msg);
  };
  const lt = typeOf(e.lhs);
  const rt = typeOf(e.rhs);
  if ((lt !== 'scalar' && lt !== 'vector') || (rt !== 'scalar' && rt !== 'vector'))
    fail('binary expression must contain only scalar and instant vector types');
  if (COMPARISON_OPS.has(op) && !bool && lt === 'scalar' && rt === 'scalar')
    fail('comparisons between scalars must use BOOL modifier');
  if (SET_OPS.has(op) && (lt === 'scalar' || rt === 'scalar'))
    fail(`set operator "${op}" not allowed in binary scalar expression`);
  if (matching.written && (lt !== 'vector' || rt !== 'vector'))
    fail('vector matching only allowed between instant vectors');
  if (matching.on)
    for (const lbl of matching.include)
      if (matching.labels.includes(lbl)) fail(`label "${lbl}" must not occur in ON and GROUP clause at once`);
}

/** matchesEmpty tells whether a matcher accepts the empty string (a selector needs one that does not). */
export function matchesEmpty(m: LabelMatcherNode): boolean {
  switch (m.type) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return new RegExp(`^(?:${translateRE2(m.value)})$`, 's').test('');
    case '!~':
      return !new RegExp(`^(?:${translateRE2(m.value)})$`, 's').test('');
  }
}

/** checkTypes validates what the builder cannot see locally (unary operands, subquery inputs). */
export function checkTypes(e: Expr): void {
  switch (e.kind) {
    case 'unary':
      if (typeOf(e.expr) !== 'scalar' && typeOf(e.expr) !== 'vector')
        throw new ParseError(
          e.start,
          'unary expression only allowed on expressions of type scalar or instant vector',
        );
      checkTypes(e.expr);
      return;
    case 'subquery':
      if (typeOf(e.expr) !== 'vector')
        throw new ParseError(
          e.start,
          `subquery is only allowed on instant vector, got ${typeName(typeOf(e.expr))} instead`,
        );
      checkTypes(e.expr);
      return;
    case 'paren':
      checkTypes(e.expr);
      return;
    case 'call':
      e.args.forEach(checkTypes);
      return;
    case 'aggregate':
      checkTypes(e.expr);
      if (e.param) checkTypes(e.param);
      return;
    case 'binary':
      checkTypes(e.lhs);
      checkTypes(e.rhs);
      return;
    default:
      return;
  }
}
