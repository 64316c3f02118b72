import { LABEL_NAME_RE, METRIC_NAME } from '../common/labels';
import { anchoredRegex, matches, type Matcher, type MatchType } from '../common/matcher';

/** SelectorError is a malformed series selector; the message is Prometheus-like: `1:5: parse error: …`. */
export class SelectorError extends Error {
  constructor(
    readonly column: number,
    reason: string,
  ) {
    super(`1:${column}: parse error: ${reason}`);
    this.name = 'SelectorError';
  }
}

const METRIC_START = /[a-zA-Z_:]/;
const METRIC_PART = /[a-zA-Z0-9_:]/;
const OPS: readonly MatchType[] = ['=~', '!~', '!=', '='];

/**
 * parseSelector reads a plain series selector as the API's match[] takes it: `up`, `up{job="x"}`,
 * `{__name__=~"a.*", env!=""}`, or the UTF-8 forms `{"my.metric"}` and `{"label.name"="v"}`. Anything else
 * (a range, a function, an operator) is refused: match[] selects series, it does not compute.
 * Like Prometheus, at least one matcher must not match the empty string, so `{}` cannot mean "everything".
 */
export function parseSelector(input: string): Matcher[] {
  const p = new SelectorParser(input);
  const out = p.parse();
  if (!out.some((m) => !matches(m, ''))) {
    throw new SelectorError(1, 'vector selector must contain at least one non-empty matcher');
  }
  return out;
}

/** SelectorParser is a hand-written recursive-descent parser over one selector's text. */
class SelectorParser {
  private pos = 0;

  constructor(private readonly s: string) {}

  parse(): Matcher[] {
    const out: Matcher[] = [];
    this.skipSpace();
    let metric: string | undefined;
    if (this.pos < this.s.length && METRIC_START.test(this.s[this.pos]!)) {
      metric = this.identifier(METRIC_START, METRIC_PART);
      out.push({ name: METRIC_NAME, type: '=', value: metric });
      this.skipSpace();
    }
    if (this.peek() === '{') {
      this.pos++;
      this.matchers(out, metric !== undefined);
    } else if (metric === undefined) {
      this.fail(this.pos >= this.s.length ? 'unexpected end of input' : `unexpected ${this.describe()}`);
    }
    this.skipSpace();
    if (this.pos < this.s.length)
      this.fail(`unexpected ${this.describe()}; match[] takes a plain series selector like up{job="x"}`);
    return out;
  }

  /** matchers reads `a="b", c=~"d"}` after the opening brace. */
  private matchers(out: Matcher[], hasMetric: boolean): void {
    let named = hasMetric;
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      if (c === '}') {
        this.pos++;
        return;
      }
      if (c === undefined) this.fail('unexpected end of input inside braces');
      const start = this.pos;
      let name: string;
      if (c === '"' || c === "'" || c === '`') {
        name = this.string();
        this.skipSpace();
        if (this.peek() === ',' || this.peek() === '}') {
          // `{"my.metric"}`: a quoted metric name.
          if (named) this.failAt(start, `metric name must not be set twice: ${JSON.stringify(name)}`);
          named = true;
          out.push({ name: METRIC_NAME, type: '=', value: name });
          this.separator();
          continue;
        }
      } else if (/[a-zA-Z_]/.test(c)) {
        name = this.identifier(/[a-zA-Z_]/, /[a-zA-Z0-9_]/);
      } else {
        this.fail(`unexpected ${this.describe()} in label matching, expected label name`);
      }
      this.skipSpace();
      const op = OPS.find((o) => this.s.startsWith(o, this.pos));
      if (op === undefined)
        this.fail(`unexpected ${this.describe()} in label matching, expected label matching operator`);
      this.pos += op.length;
      this.skipSpace();
      const q = this.peek();
      if (q !== '"' && q !== "'" && q !== '`')
        this.fail(`unexpected ${this.describe()} in label matching, expected string`);
      const valueAt = this.pos;
      const value = this.string();
      if (op === '=~' || op === '!~') {
        try {
          anchoredRegex(value);
        } catch (e) {
          this.failAt(
            valueAt,
            `invalid regular expression ${JSON.stringify(value)}: ${(e as Error).message}`,
          );
        }
      }
      if (name === METRIC_NAME && hasMetric && op === '=')
        this.failAt(start, `metric name must not be set twice: ${JSON.stringify(value)}`);
      out.push({ name, type: op, value });
      this.separator();
    }
  }

  /** separator consumes the `,` between matchers (a trailing one is allowed) or stops before `}`. */
  private separator(): void {
    this.skipSpace();
    const c = this.peek();
    if (c === ',') this.pos++;
    else if (c !== '}') {
      if (c === undefined) this.fail('unexpected end of input inside braces');
      this.fail(`unexpected ${this.describe()} in label matching, expected "," or "}"`);
    }
  }

  private identifier(first: RegExp, rest: RegExp): string {
    const start = this.pos;
    if (!first.test(this.s[this.pos] ?? '')) this.fail(`unexpected ${this.describe()}`);
    this.pos++;
    while (this.pos < this.s.length && rest.test(this.s[this.pos]!)) this.pos++;
    return this.s.slice(start, this.pos);
  }

  /** string reads a PromQL string literal: "…" and '…' with Go escapes, `…` raw. */
  private string(): string {
    const quote = this.s[this.pos]!;
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= this.s.length) this.failAt(start, 'unterminated quoted string');
      const c = this.s[this.pos]!;
      if (c === quote) {
        this.pos++;
        return out;
      }
      if (c === '\n' && quote !== '`') this.failAt(start, 'unterminated quoted string');
      if (c === '\\' && quote !== '`') {
        out += this.escape(quote);
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  /** escape reads one Go escape sequence after a backslash. */
  private escape(quote: string): string {
    const at = this.pos;
    const c = this.s[this.pos + 1];
    this.pos += 2;
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
    };
    if (c !== undefined && simple[c] !== undefined) return simple[c];
    if (c === quote) return quote;
    const hex = (n: number): string => {
      const h = this.s.slice(this.pos, this.pos + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) this.failAt(at, 'invalid escape sequence');
      this.pos += n;
      const cp = parseInt(h, 16);
      if (n > 2 && (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)))
        this.failAt(at, 'invalid escape sequence');
      return String.fromCodePoint(cp);
    };
    if (c === 'x') return hex(2);
    if (c === 'u') return hex(4);
    if (c === 'U') return hex(8);
    if (c !== undefined && /[0-7]/.test(c)) {
      const o = this.s.slice(this.pos - 1, this.pos + 2);
      if (!/^[0-7]{3}$/.test(o) || parseInt(o, 8) > 255) this.failAt(at, 'invalid escape sequence');
      this.pos += 2;
      return String.fromCharCode(parseInt(o, 8));
    }
    this.failAt(at, 'invalid escape sequence');
  }

  private peek(): string | undefined {
    return this.s[this.pos];
  }

  private skipSpace(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }

  private describe(): string {
    const c = this.s[this.pos];
    return c === undefined ? 'end of input' : JSON.stringify(c);
  }

  private fail(reason: string): never {
    this.failAt(this.pos, reason);
  }

  private failAt(pos: number, reason: string): never {
    throw new SelectorError(pos + 1, reason);
  }
}

/** isLabelName tells whether a path segment is a label name the API accepts. */
export function isLabelName(name: string): boolean {
  return LABEL_NAME_RE.test(name);
}
