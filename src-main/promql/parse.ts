import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import {
  COMPARISON_OPS,
  SET_OPS,
  typeOf,
  type AggregateOp,
  type AtModifier,
  type BinaryExpr,
  type BinaryOp,
  type Expr,
  type LabelMatcherNode,
  type VectorMatching,
  type VectorSelector,
} from './ast';
import { isDurationText, parseDurationMs, parseNumber, unquoteString } from './literals';
import { FUNCTIONS, typeName } from './signatures';
import { translateRE2 } from './re2';
import { checkBinary, checkTypes, matchesEmpty, ParseError } from './typecheck';

/**
 * parseExpr parses PromQL text with the grammar Prometheus ships (@prometheus-io/lezer-promql) into Vigie's
 * typed AST and type-checks it, throwing a bad_data QueryError ("parse error at char N: …") on bad input.
 */
export function parseExpr(text: string): Expr {
  try {
    return parseChecked(text);
  } catch (e) {
    // The lezer grammar rejects Go's trailing-dot floats (`2.`); retry with the dot blanked (same offsets).
    const fixed = text.replace(/(^|[^\w.])(\d+)\.(?![\d\w])/g, (_m, pre: string, d: string) => `${pre}${d} `);
    if (fixed === text || !(e instanceof ParseError)) throw e;
    return parseChecked(fixed);
  }
}

function parseChecked(text: string): Expr {
  const tree = parser.parse(text);
  const top = tree.topNode;
  let err: SyntaxNode | null = null;
  tree.iterate({
    enter: (n) => {
      if (err === null && n.type.isError) err = n.node;
      return err === null;
    },
  });
  if (err !== null) syntaxError(text, (err as SyntaxNode).from);
  const body = top.firstChild;
  if (body === null) throw new ParseError(0, 'no expression found in input');
  const expr = new Builder(text).expr(body);
  checkTypes(expr);
  return expr;
}

/** syntaxError describes the token where the grammar failed the way Prometheus's parser words it. */
function syntaxError(text: string, pos: number): never {
  if (pos >= text.trimEnd().length) throw new ParseError(pos, 'unexpected end of input');
  const rest = text.slice(pos);
  const fn = /([a-zA-Z_][a-zA-Z0-9_]*)\s*$/.exec(text.slice(0, pos));
  if (rest.startsWith('(') && fn !== null)
    throw new ParseError(fn.index, `unknown function with name ${JSON.stringify(fn[1])}`);
  const ident = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest);
  if (ident !== null) throw new ParseError(pos, `unexpected identifier ${JSON.stringify(ident[0])}`);
  const num = /^[0-9.][0-9a-zA-Z.]*/.exec(rest);
  if (num !== null) throw new ParseError(pos, `unexpected number ${JSON.stringify(num[0])}`);
  throw new ParseError(pos, `unexpected character: ${JSON.stringify(rest[0])}`);
}

/** Builder converts lezer nodes into AST nodes. */
class Builder {
  constructor(private readonly text: string) {}

  private src(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  private fail(n: SyntaxNode | number, msg: string): never {
    throw new ParseError(typeof n === 'number' ? n : n.from, msg);
  }

  private exprChildren(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c !== null; c = c.nextSibling) if (c.type.is('Expr')) out.push(c);
    return out;
  }

  expr(n: SyntaxNode): Expr {
    const span = { start: n.from, end: n.to };
    switch (n.type.name) {
      case 'NumberDurationLiteral':
        return { kind: 'number', value: this.number(n), ...span };
      case 'StringLiteral':
        return { kind: 'string', value: this.string(n), ...span };
      case 'ParenExpr':
        return { kind: 'paren', expr: this.expr(this.exprChildren(n)[0]!), ...span };
      case 'UnaryExpr': {
        const op = this.src(n.getChild('UnaryOp')!).trim() as '-' | '+';
        const inner = this.expr(this.exprChildren(n)[0]!);
        if (inner.kind === 'number')
          return { ...inner, value: op === '-' ? -inner.value : inner.value, ...span };
        return { kind: 'unary', op, expr: inner, ...span };
      }
      case 'VectorSelector':
        return this.vectorSelector(n);
      case 'MatrixSelector':
      case 'SubqueryExpr':
      case 'OffsetExpr':
      case 'StepInvariantExpr': {
        const inner = this.exprChildren(n)[0]!;
        if (this.chainsToBinary(inner)) return this.climb(this.flatten(n));
        return this.postfixNode(n, this.expr(inner));
      }
      case 'FunctionCall':
        return this.call(n);
      case 'AggregateExpr':
        return this.aggregate(n);
      case 'BinaryExpr':
        return this.climb(this.flatten(n));
      default:
        return this.fail(n, `unsupported expression "${this.src(n)}" (${n.type.name})`);
    }
  }

  /** postfixNode applies the range, subquery, offset or @ of lezer node n to an already built operand. */
  private postfixNode(n: SyntaxNode, operand: Expr): Expr {
    switch (n.type.name) {
      case 'MatrixSelector': {
        const rangeMs = this.durationExpr(n.getChild('DurationExpr')!);
        return this.postfix(operand, n, (inner) => {
          if (inner.kind !== 'vectorSelector') this.fail(n, 'ranges only allowed for vector selectors');
          if (inner.offsetMs !== 0 || inner.at !== null)
            this.fail(n, 'no offset or @ modifiers allowed before range');
          if (rangeMs <= 0) this.fail(n, `range must be greater than 0, got ${rangeMs / 1000}s`);
          return { kind: 'matrixSelector', vector: inner, rangeMs, start: inner.start, end: n.to };
        });
      }
      case 'SubqueryExpr': {
        const durs = n.getChildren('DurationExpr');
        const rangeMs = this.durationExpr(durs[0]!);
        const stepMs = durs[1] ? this.durationExpr(durs[1]) : 0;
        if (rangeMs <= 0) this.fail(n, `range must be greater than 0, got ${rangeMs / 1000}s`);
        if (durs[1] && stepMs <= 0) this.fail(n, `step must be greater than 0, got ${stepMs / 1000}s`);
        return this.postfix(operand, n, (inner) => ({
          kind: 'subquery',
          expr: inner,
          rangeMs,
          stepMs,
          offsetMs: 0,
          at: null,
          start: inner.start,
          end: n.to,
        }));
      }
      case 'OffsetExpr': {
        const offsetMs = this.offsetDuration(n.getChild('OffsetDurationExpr')!);
        return this.postfix(operand, n, (inner) =>
          this.modify(n, inner, (t) => {
            if (t.offsetMs !== 0) this.fail(n, 'offset may not be set multiple times');
            t.offsetMs = offsetMs;
          }),
        );
      }
      default: {
        const pre = n.getChild('AtModifierPreprocessors');
        let at: AtModifier;
        if (pre !== null) at = this.src(pre).toLowerCase().startsWith('start') ? 'start' : 'end';
        else {
          const sec = this.number(n.getChild('NumberDurationLiteral')!);
          if (!Number.isFinite(sec)) this.fail(n, `timestamp out of bounds for @ modifier: ${sec}`);
          at = Math.round(sec * 1000);
        }
        return this.postfix(operand, n, (inner) =>
          this.modify(n, inner, (t) => {
            if (t.at !== null) this.fail(n, '@ <timestamp> may not be set multiple times');
            t.at = at;
          }),
        );
      }
    }
  }

  /** chainsToBinary tells whether a node is a binary expression, possibly under postfix constructs. */
  private chainsToBinary(n: SyntaxNode): boolean {
    if (n.type.name === 'BinaryExpr') return true;
    if (POSTFIX_NODES.has(n.type.name)) return this.chainsToBinary(this.exprChildren(n)[0]!);
    return false;
  }

  /**
   * flatten turns a lezer operator chain into operands and operators. The lezer grammar gives postfix
   * constructs no precedence, so `a + b offset 1m * 2` arrives as `((a + b) offset 1m) * 2`; flattening
   * and re-climbing with PromQL's precedence gives `a + ((b offset 1m) * 2)` as Prometheus parses it.
   */
  private flatten(n: SyntaxNode): ChainItem[] {
    if (n.type.name === 'BinaryExpr') {
      const [l, r] = this.exprChildren(n);
      return [...this.flatten(l!), this.operator(n, l!), ...this.flatten(r!)];
    }
    if (POSTFIX_NODES.has(n.type.name) && this.chainsToBinary(this.exprChildren(n)[0]!)) {
      const items = this.flatten(this.exprChildren(n)[0]!);
      const last = items[items.length - 1] as Operand;
      if (last.sign !== undefined) {
        last.expr = signed(last.sign, last.expr);
        delete last.sign;
      }
      last.expr = this.postfixNode(n, last.expr);
      return items;
    }
    if (n.type.name === 'NumberDurationLiteral' && /^[-+]/.test(this.src(n).trim())) {
      // lezer folds a sign into the literal; PromQL binds unary minus looser than `^` (-2^2 = -4).
      const text = this.src(n).trim();
      const value = Math.abs(this.number(n));
      return [
        {
          kind: 'operand',
          sign: text[0] as '-' | '+',
          expr: { kind: 'number', value, start: n.from + 1, end: n.to },
        },
      ];
    }
    return [{ kind: 'operand', expr: this.expr(n) }];
  }

  /** climb builds the binary tree of a flattened chain by precedence climbing. */
  private climb(items: ChainItem[]): Expr {
    let pos = 0;
    const primary = (): Expr => {
      const it = items[pos++] as Operand;
      if (it.sign === undefined) return it.expr;
      const inner = climbFrom(it.expr, PRECEDENCE['^']!);
      return signed(it.sign, inner);
    };
    const climbFrom = (lhs: Expr, minPrec: number): Expr => {
      while (pos < items.length) {
        const op = items[pos] as Operator;
        const p = PRECEDENCE[op.op]!;
        if (p < minPrec) break;
        pos++;
        const rhs = climbFrom(primary(), op.op === '^' ? p : p + 1);
        const expr: BinaryExpr = {
          kind: 'binary',
          op: op.op,
          lhs,
          rhs,
          bool: op.bool,
          matching: structuredClone(op.matching),
          start: lhs.start,
          end: rhs.end,
        };
        checkBinary(expr);
        lhs = expr;
      }
      return lhs;
    };
    return climbFrom(primary(), 0);
  }

  /**
   * postfix applies a postfix construct (range, subquery, offset, @) to the operand it binds to. The lezer
   * grammar lets these follow any expression, so `a or b offset 5m` arrives as `(a or b) offset 5m`; PromQL
   * binds them tighter than every operator, so they move down to the rightmost operand.
   */
  private postfix(inner: Expr, n: SyntaxNode, apply: (leaf: Expr) => Expr): Expr {
    if (inner.kind === 'binary') {
      const rhs = this.postfix(inner.rhs, n, apply);
      return { ...inner, rhs, end: rhs.end };
    }
    if (inner.kind === 'unary') {
      const expr = this.postfix(inner.expr, n, apply);
      return { ...inner, expr, end: expr.end };
    }
    return apply(inner);
  }

  /** modify applies an offset or @ to the selector or subquery it follows, keeping the outer span. */
  private modify(
    n: SyntaxNode,
    inner: Expr,
    set: (t: { offsetMs: number; at: AtModifier | null }) => void,
  ): Expr {
    const span = { start: inner.start, end: n.to };
    if (inner.kind === 'vectorSelector' || inner.kind === 'subquery') {
      inner = { ...inner };
      set(inner);
      return { ...inner, ...span };
    }
    if (inner.kind === 'matrixSelector') {
      inner = { ...inner, vector: { ...inner.vector } };
      set(inner.vector);
      return { ...inner, ...span };
    }
    return this.fail(
      n,
      n.type.name === 'OffsetExpr'
        ? 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'
        : '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    );
  }

  private number(n: SyntaxNode): number {
    try {
      return parseNumber(this.src(n));
    } catch (e) {
      return this.fail(n, (e as Error).message);
    }
  }

  private string(n: SyntaxNode): string {
    try {
      return unquoteString(this.src(n));
    } catch (e) {
      return this.fail(n, (e as Error).message);
    }
  }

  /** durationExpr evaluates a `[...]` duration (a unit duration, seconds, or constant arithmetic) in ms. */
  private durationExpr(n: SyntaxNode): number {
    const kids: SyntaxNode[] = [];
    for (let c = n.firstChild; c !== null; c = c.nextSibling) kids.push(c);
    const lit = n.getChild('NumberDurationLiteralInDurationContext');
    if (kids.length === 1 && lit !== null) {
      const t = this.src(lit);
      if (isDurationText(t)) return parseDurationMs(t);
      const sec = this.number(lit);
      if (!Number.isFinite(sec)) this.fail(n, `invalid duration: ${t}`);
      return Math.round(sec * 1000);
    }
    return this.fail(n, 'experimental duration expressions are not supported');
  }

  private offsetDuration(n: SyntaxNode): number {
    const op = n.getChild('UnaryOp');
    if (op !== null) {
      const inner = this.offsetDuration(n.getChild('OffsetDurationExpr')!);
      return this.src(op).trim() === '-' ? -inner : inner;
    }
    const lit = n.getChild('NumberDurationLiteralInDurationContext');
    if (lit === null) return this.fail(n, 'experimental duration expressions are not supported');
    const t = this.src(lit);
    if (isDurationText(t)) return parseDurationMs(t);
    const sec = this.number(lit);
    if (!Number.isFinite(sec)) this.fail(n, `invalid offset: ${t}`);
    return Math.round(sec * 1000);
  }

  private vectorSelector(n: SyntaxNode): VectorSelector {
    const id = n.getChild('Identifier');
    let name = id !== null ? this.src(id) : '';
    const matchers: LabelMatcherNode[] = [];
    const lm = n.getChild('LabelMatchers');
    if (lm !== null) {
      for (let c = lm.firstChild; c !== null; c = c.nextSibling) {
        if (c.type.name === 'QuotedLabelName') {
          if (name !== '') this.fail(c, 'metric name must not be set twice');
          name = this.string(c.firstChild!);
          continue;
        }
        if (c.type.name !== 'UnquotedLabelMatcher' && c.type.name !== 'QuotedLabelMatcher') continue;
        const ln = c.firstChild!;
        const labelName = ln.type.name === 'QuotedLabelName' ? this.string(ln.firstChild!) : this.src(ln);
        const type = this.src(c.getChild('MatchOp')!).trim() as LabelMatcherNode['type'];
        const value = this.string(c.getChild('StringLiteral')!);
        if (type === '=~' || type === '!~') {
          try {
            new RegExp(translateRE2(value));
          } catch (e) {
            this.fail(c, `invalid regular expression: ${(e as Error).message}`);
          }
        }
        matchers.push({ name: labelName, type, value });
      }
    }
    if (name !== '') {
      if (matchers.some((m) => m.name === '__name__'))
        this.fail(n, `metric name must not be set twice: "${name}"`);
      matchers.unshift({ name: '__name__', type: '=', value: name });
    }
    if (!matchers.some((m) => !matchesEmpty(m)))
      this.fail(n, 'vector selector must contain at least one non-empty matcher');
    return { kind: 'vectorSelector', name, matchers, offsetMs: 0, at: null, start: n.from, end: n.to };
  }

  private call(n: SyntaxNode): Expr {
    const func = this.src(n.getChild('FunctionIdentifier')!).trim();
    const sig = FUNCTIONS.get(func);
    if (sig === undefined) this.fail(n, `unknown function with name "${func}"`);
    const args = this.exprChildren(n.getChild('FunctionCallBody')!).map((c) => this.expr(c));
    const min = sig.variadic !== 0 ? sig.args.length - Math.abs(sig.variadic) : sig.args.length;
    if (sig.variadic === 0 && args.length !== sig.args.length)
      this.fail(n, `expected ${sig.args.length} argument(s) in call to "${func}", got ${args.length}`);
    if (args.length < min)
      this.fail(n, `expected at least ${min} argument(s) in call to "${func}", got ${args.length}`);
    if (sig.variadic > 0 && args.length > sig.args.length)
      this.fail(
        n,
        `expected at most ${sig.args.length} argument(s) in call to "${func}", got ${args.length}`,
      );
    args.forEach((a, i) => {
      const want = sig.args[Math.min(i, sig.args.length - 1)]!;
      const got = typeOf(a);
      if (got !== want)
        this.fail(
          a.start,
          `expected type ${typeName(want)} in call to function "${func}", got ${typeName(got)}`,
        );
    });
    return { kind: 'call', func, args, start: n.from, end: n.to };
  }

  private grouping(n: SyntaxNode): string[] {
    const out: string[] = [];
    for (let c = n.firstChild; c !== null; c = c.nextSibling) {
      if (c.type.name === 'LabelName') out.push(this.src(c));
      else if (c.type.name === 'QuotedLabelName') out.push(this.string(c.firstChild!));
    }
    return out;
  }

  private aggregate(n: SyntaxNode): Expr {
    const op = this.src(n.getChild('AggregateOp')!).trim().toLowerCase() as AggregateOp;
    const mod = n.getChild('AggregateModifier');
    const without = mod !== null && mod.firstChild!.type.name === 'Without';
    const grouping = mod !== null ? this.grouping(mod.getChild('GroupingLabels')!) : [];
    const args = this.exprChildren(n.getChild('FunctionCallBody')!).map((c) => this.expr(c));
    const needsParam = ['topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio'].includes(op);
    const want = needsParam ? 2 : 1;
    if (args.length !== want)
      this.fail(
        n,
        `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`,
      );
    const expr = args[want - 1]!;
    const param = needsParam ? args[0]! : null;
    if (typeOf(expr) !== 'vector')
      this.fail(
        expr.start,
        `expected type instant vector in aggregation expression, got ${typeName(typeOf(expr))}`,
      );
    if (param !== null) {
      const pt = op === 'count_values' ? 'string' : 'scalar';
      if (typeOf(param) !== pt)
        this.fail(
          param.start,
          `expected type ${typeName(pt)} in aggregation parameter, got ${typeName(typeOf(param))}`,
        );
    }
    return {
      kind: 'aggregate',
      op,
      expr,
      param,
      grouping,
      without,
      hasGrouping: mod !== null,
      start: n.from,
      end: n.to,
    };
  }

  /** operator reads the operator and its modifiers of lezer BinaryExpr n whose left operand is l. */
  private operator(n: SyntaxNode, l: SyntaxNode): Operator {
    const opNode = l.nextSibling!;
    const op = this.src(opNode).trim().toLowerCase() as BinaryOp;
    const bool = n.getChild('BoolModifier') !== null;
    const matching: VectorMatching = {
      card: 'one-to-one',
      on: false,
      labels: [],
      include: [],
      written: false,
    };
    const mm = n.getChild('MatchingModifierClause');
    if (mm !== null) {
      matching.written = true;
      matching.on = mm.firstChild!.type.name === 'On';
      const groups = mm.getChildren('GroupingLabels');
      matching.labels = this.grouping(groups[0]!);
      const gl = mm.getChild('GroupLeft');
      const gr = mm.getChild('GroupRight');
      if (gl !== null || gr !== null) {
        matching.card = gl !== null ? 'many-to-one' : 'one-to-many';
        matching.include = groups[1] ? this.grouping(groups[1]) : [];
      }
    }
    if (n.getChild('FillModifier') !== null) this.fail(n, 'fill modifiers are not supported');
    if (SET_OPS.has(op)) {
      if (matching.card !== 'one-to-one') this.fail(n, `no grouping allowed for "${op}" operation`);
      matching.card = 'many-to-many';
    }
    if (bool && !COMPARISON_OPS.has(op))
      this.fail(n, 'bool modifier can only be used on comparison operators');
    return { kind: 'operator', op, bool, matching };
  }
}

const POSTFIX_NODES = new Set(['MatrixSelector', 'SubqueryExpr', 'OffsetExpr', 'StepInvariantExpr']);

/** PRECEDENCE of binary operators, loosest first (`^` is right-associative). */
const PRECEDENCE: Partial<Record<BinaryOp, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '>': 3,
  '<': 3,
  '>=': 3,
  '<=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
};

interface Operand {
  kind: 'operand';
  expr: Expr;
  /** sign is a unary sign lezer folded into a number literal; it binds looser than `^`. */
  sign?: '-' | '+';
}
interface Operator {
  kind: 'operator';
  op: BinaryOp;
  bool: boolean;
  matching: VectorMatching;
}
type ChainItem = Operand | Operator;

function signed(sign: '-' | '+', e: Expr): Expr {
  const span = { start: e.start - 1, end: e.end };
  if (e.kind === 'number') return { ...e, value: sign === '-' ? -e.value : e.value, ...span };
  return { kind: 'unary', op: sign, expr: e, ...span };
}

export { formatExpr } from './format';
export { ParseError } from './typecheck';
