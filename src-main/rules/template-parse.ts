// The parser of Go's text/template subset that Prometheus alert templates use: text, `{{ pipeline }}`,
// `{{- trim -}}`, variables, `if`/`else if`/`else`/`with`/`range`/`end`, comments. template-eval.ts runs it.

/** TemplateNode is one piece of a parsed template. */
export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'output'; pipe: Pipeline }
  | { kind: 'if' | 'with'; pipe: Pipeline; then: TemplateNode[]; else: TemplateNode[] }
  | {
      kind: 'range';
      pipe: Pipeline;
      key?: string;
      elem?: string;
      body: TemplateNode[];
      else: TemplateNode[];
    };

/** Pipeline is `cmd | cmd | …`, optionally declaring (`:=`) or assigning (`=`) a variable. */
export interface Pipeline {
  decl?: { name: string; assign: boolean };
  cmds: Operand[][];
}

/** Operand is one argument of a command. */
export type Operand =
  | { kind: 'lit'; value: unknown }
  | { kind: 'var'; name: string; fields: string[] }
  | { kind: 'field'; fields: string[] }
  | { kind: 'func'; name: string }
  | { kind: 'pipe'; pipe: Pipeline; fields: string[] };

/** TemplateSyntaxError is a template that cannot be parsed, worded as Go's `template: name:line: …`. */
export class TemplateSyntaxError extends Error {
  constructor(name: string, line: number, message: string) {
    super(`template: ${name}:${line}: ${message}`);
    this.name = 'TemplateSyntaxError';
  }
}

type Token =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'var'; v: string }
  | { t: 'field'; v: string }
  | { t: 'ident'; v: string }
  | { t: 'op'; v: '|' | '(' | ')' | ':=' | '=' | ',' | '.' };

/** parseTemplate parses a template's text; `funcs` names the functions that exist (others are errors). */
export function parseTemplate(name: string, text: string, funcs: ReadonlySet<string>): TemplateNode[] {
  const root: TemplateNode[] = [];
  const stack: { node: TemplateNode; inElse: boolean; chained: number }[] = [];
  const sink = (): TemplateNode[] => {
    const top = stack[stack.length - 1];
    if (top === undefined) return root;
    const n = top.node;
    if (n.kind === 'range') return top.inElse ? n.else : n.body;
    if (n.kind === 'if' || n.kind === 'with') return top.inElse ? n.else : n.then;
    return root;
  };
  let pos = 0;
  let trimNext = false;
  while (pos < text.length) {
    const open = text.indexOf('{{', pos);
    let chunk = open < 0 ? text.slice(pos) : text.slice(pos, open);
    if (trimNext) chunk = chunk.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      if (chunk !== '') sink().push({ kind: 'text', text: chunk });
      break;
    }
    const line = lineAt(text, open);
    const leftTrim =
      text.startsWith('{{- ', open) || text.startsWith('{{-\t', open) || text.startsWith('{{-\n', open);
    if (leftTrim) chunk = chunk.replace(/\s+$/, '');
    if (chunk !== '') sink().push({ kind: 'text', text: chunk });
    const close = findClose(text, open + 2);
    if (close < 0) throw new TemplateSyntaxError(name, line, 'unclosed action');
    let inner = text.slice(open + (leftTrim ? 3 : 2), close);
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      trimNext = true;
    }
    pos = close + 2;
    inner = inner.trim();
    if (inner.startsWith('/*')) {
      if (!inner.endsWith('*/')) throw new TemplateSyntaxError(name, line, 'unclosed comment');
      continue;
    }
    const toks = tokenize(inner, name, line);
    const p = new TokenParser(toks, name, line, funcs);
    const head = toks[0];
    const word = head?.t === 'ident' ? head.v : '';
    if (word === 'end') {
      p.next();
      p.expectEnd();
      const top = stack.pop();
      if (top === undefined) throw new TemplateSyntaxError(name, line, 'unexpected {{end}}');
      for (let i = 0; i < top.chained; i++) stack.pop();
      continue;
    }
    if (word === 'else') {
      p.next();
      const top = stack[stack.length - 1];
      if (top === undefined || top.inElse) throw new TemplateSyntaxError(name, line, 'unexpected {{else}}');
      top.inElse = true;
      if (p.peek()?.t === 'ident' && (p.peek()!.v === 'if' || p.peek()!.v === 'with')) {
        const kind = p.next()!.v as 'if' | 'with';
        const node: TemplateNode = { kind, pipe: p.pipeline(), then: [], else: [] };
        p.expectEnd();
        sink().push(node);
        // An `else if` shares the outer {{end}}: it is popped together with its parent.
        stack.push({ node, inElse: false, chained: top.chained + 1 });
        top.chained = 0;
      } else p.expectEnd();
      continue;
    }
    if (word === 'if' || word === 'with') {
      p.next();
      const node: TemplateNode = { kind: word, pipe: p.pipeline(), then: [], else: [] };
      p.expectEnd();
      sink().push(node);
      stack.push({ node, inElse: false, chained: 0 });
      continue;
    }
    if (word === 'range') {
      p.next();
      const node: TemplateNode = { kind: 'range', pipe: { cmds: [] }, body: [], else: [] };
      const vars = p.rangeVars();
      Object.assign(node, vars);
      node.pipe = p.pipeline();
      p.expectEnd();
      sink().push(node);
      stack.push({ node, inElse: false, chained: 0 });
      continue;
    }
    if (['define', 'template', 'block', 'break', 'continue'].includes(word))
      throw new TemplateSyntaxError(name, line, `{{${word}}} is not supported by Vigie`);
    const pipe = p.pipeline(true);
    p.expectEnd();
    sink().push({ kind: 'output', pipe });
  }
  if (stack.length > 0) throw new TemplateSyntaxError(name, lineAt(text, text.length), 'unexpected EOF');
  return root;
}

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** findClose finds the `}}` ending an action, skipping quoted strings. */
function findClose(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === '`') {
      const q = c;
      for (i++; i < text.length && text[i] !== q; i++) if (q === '"' && text[i] === '\\') i++;
    } else if (c === '}' && text[i + 1] === '}') return i;
  }
  return -1;
}

function tokenize(s: string, name: string, line: number): Token[] {
  const out: Token[] = [];
  let i = 0;
  const err = (m: string): never => {
    throw new TemplateSyntaxError(name, line, m);
  };
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) if (s[j] === '\\') j++;
      if (j >= s.length) err('unterminated quoted string');
      try {
        out.push({ t: 'str', v: JSON.parse(s.slice(i, j + 1)) as string });
      } catch {
        err(`bad quoted string ${s.slice(i, j + 1)}`);
      }
      i = j + 1;
    } else if (c === '`') {
      const j = s.indexOf('`', i + 1);
      if (j < 0) err('unterminated raw quoted string');
      out.push({ t: 'str', v: s.slice(i + 1, j) });
      i = j + 1;
    } else if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(s.slice(i))![0];
      out.push({ t: 'var', v: m.slice(1) });
      i += m.length;
    } else if (c === '.' && /[A-Za-z_]/.test(s[i + 1] ?? '')) {
      const m = /^\.[A-Za-z0-9_]+/.exec(s.slice(i))![0];
      out.push({ t: 'field', v: m.slice(1) });
      i += m.length;
    } else if (
      /[-+0-9.]/.test(c) &&
      /[0-9]/.test(s[c === '.' ? i + 1 : c === '-' || c === '+' ? i + 1 : i] ?? '')
    ) {
      const m = /^[-+]?(0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(e[-+]?[0-9]+)?)/.exec(s.slice(i));
      if (m === null) err(`bad number syntax: ${s.slice(i)}`);
      out.push({ t: 'num', v: Number(m![0]) });
      i += m![0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i))![0];
      out.push({ t: 'ident', v: m });
      i += m.length;
    } else if (s.startsWith(':=', i)) {
      out.push({ t: 'op', v: ':=' });
      i += 2;
    } else if ('|()=,.'.includes(c)) {
      out.push({ t: 'op', v: c as '|' });
      i++;
    } else err(`unexpected "${c}" in command`);
  }
  return out;
}

class TokenParser {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly name: string,
    private readonly line: number,
    private readonly funcs: ReadonlySet<string>,
  ) {}

  peek(): Token | undefined {
    return this.toks[this.i];
  }
  next(): Token | undefined {
    return this.toks[this.i++];
  }
  private err(m: string): never {
    throw new TemplateSyntaxError(this.name, this.line, m);
  }
  expectEnd(): void {
    const t = this.peek();
    if (t !== undefined) this.err(`unexpected ${JSON.stringify(String(t.v))} in command`);
  }

  /** rangeVars reads `$k, $v :=` or `$v :=` before a range pipeline, when present. */
  rangeVars(): { key?: string; elem?: string } {
    const a = this.toks[this.i];
    const b = this.toks[this.i + 1];
    if (a?.t !== 'var') return {};
    if (b?.t === 'op' && b.v === ':=') {
      this.i += 2;
      return { elem: a.v };
    }
    const c = this.toks[this.i + 2];
    const d = this.toks[this.i + 3];
    if (b?.t === 'op' && b.v === ',' && c?.t === 'var' && d?.t === 'op' && d.v === ':=') {
      this.i += 4;
      return { key: a.v, elem: c.v };
    }
    return {};
  }

  pipeline(allowDecl = true, closer?: ')'): Pipeline {
    const pipe: Pipeline = { cmds: [] };
    const a = this.toks[this.i];
    const b = this.toks[this.i + 1];
    if (allowDecl && a?.t === 'var' && b?.t === 'op' && (b.v === ':=' || b.v === '=')) {
      pipe.decl = { name: a.v, assign: b.v === '=' };
      this.i += 2;
    }
    for (;;) {
      const cmd: Operand[] = [];
      for (;;) {
        const t = this.peek();
        if (t === undefined || (t.t === 'op' && (t.v === '|' || t.v === ')'))) break;
        cmd.push(this.operand());
      }
      if (cmd.length === 0) this.err('missing value for command');
      pipe.cmds.push(cmd);
      const t = this.peek();
      if (t?.t === 'op' && t.v === '|') {
        this.next();
        continue;
      }
      if (t?.t === 'op' && t.v === ')' && closer !== ')') this.err('unexpected right paren');
      break;
    }
    return pipe;
  }

  private fields(): string[] {
    const out: string[] = [];
    while (this.peek()?.t === 'field') out.push(this.next()!.v as string);
    return out;
  }

  private operand(): Operand {
    const t = this.next()!;
    switch (t.t) {
      case 'str':
      case 'num':
        return { kind: 'lit', value: t.v };
      case 'var':
        return { kind: 'var', name: t.v, fields: this.fields() };
      case 'field':
        return { kind: 'field', fields: [t.v, ...this.fields()] };
      case 'ident':
        if (t.v === 'true' || t.v === 'false') return { kind: 'lit', value: t.v === 'true' };
        if (t.v === 'nil') return { kind: 'lit', value: undefined };
        if (!this.funcs.has(t.v)) this.err(`function "${t.v}" not defined`);
        return { kind: 'func', name: t.v };
      case 'op':
        if (t.v === '.') return { kind: 'field', fields: [] };
        if (t.v === '(') {
          const pipe = this.pipeline(false, ')');
          const c = this.next();
          if (c?.t !== 'op' || c.v !== ')') this.err('unclosed left paren');
          return { kind: 'pipe', pipe, fields: this.fields() };
        }
        return this.err(`unexpected "${t.v}" in operand`);
    }
  }
}
