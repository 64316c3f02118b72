import type { Labels } from '../common/labels';
import { goFloat, goSprintf, goString } from './go-format';
import { parseTemplate, type Operand, type Pipeline, type TemplateNode } from './template-parse';
import { QUERY_FUNCS, TEMPLATE_FUNCS } from './template-funcs';

export { TemplateSyntaxError } from './template-parse';

/** TemplateData is what an alert's labels and annotations see, as in Prometheus's alert templates. */
export interface TemplateData {
  labels: Labels;
  externalLabels: Labels;
  externalURL: string;
  value: number;
}

/**
 * ALERT_PREAMBLE is what Prometheus prepends to every alert template, so `$labels`, `$value`,
 * `$externalLabels` and `$externalURL` mean the same here.
 */
const PREAMBLE_VARS = ['labels', 'externalLabels', 'externalURL', 'value'] as const;

const FUNC_NAMES: ReadonlySet<string> = new Set([
  ...Object.keys(TEMPLATE_FUNCS),
  'printf',
  'print',
  'println',
  'len',
  'index',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'and',
  'or',
  'not',
  ...QUERY_FUNCS,
]);

/** TemplateSample is one element of a `query` result, as Prometheus templates see it (.Labels, .Value). */
export interface TemplateSample {
  Labels: Labels;
  Value: number;
}

/** TemplateQuery runs a PromQL query for a template (at the rule's evaluation time). */
export type TemplateQuery = (expr: string) => Promise<TemplateSample[]>;

/** TEMPLATE_QUERY_ROUNDS bounds the render passes of a template whose queries depend on earlier ones. */
export const TEMPLATE_QUERY_ROUNDS = 8;

/** Env is what a render reads besides its variables: the data and the query results known so far. */
interface Env {
  data: TemplateData;
  query: (expr: string) => TemplateSample[];
}

/** CompiledTemplate is a parsed template, checked once at load and expanded at every evaluation. */
export class CompiledTemplate {
  /** usesQuery tells that the template calls `query`, so it must be expanded with expandAsync. */
  readonly usesQuery: boolean;

  private constructor(
    readonly name: string,
    private readonly nodes: TemplateNode[],
  ) {
    this.usesQuery = callsFunc(nodes, 'query');
  }

  /** compile parses a template; a syntax error throws TemplateSyntaxError (reported at rule load). */
  static compile(name: string, text: string): CompiledTemplate {
    return new CompiledTemplate(name, parseTemplate(name, text, FUNC_NAMES));
  }

  /**
   * expandAsync renders a template that may call `query`. Rendering stays synchronous: a pass that meets
   * a query not run yet records it (and sees an empty result); the queries are run, and the template is
   * rendered again, until a pass needs no new query (at most `rounds` passes). A failed query renders
   * Prometheus's `<error expanding template: error executing query …>` text.
   */
  async expandAsync(
    data: TemplateData,
    query: TemplateQuery,
    rounds = TEMPLATE_QUERY_ROUNDS,
  ): Promise<string> {
    if (!this.usesQuery) return this.expand(data);
    const known = new Map<string, TemplateSample[] | Error>();
    for (let pass = 0; pass < rounds; pass++) {
      const missing = new Set<string>();
      const out = this.render(data, (expr) => {
        const r = known.get(expr);
        if (r === undefined) {
          missing.add(expr);
          return [];
        }
        if (r instanceof Error) throw r;
        return r;
      });
      if (missing.size === 0) return out;
      await Promise.all(
        [...missing].map(async (expr) => {
          try {
            known.set(expr, await query(expr));
          } catch (e) {
            const msg = e instanceof Error ? e.message : String(e);
            known.set(expr, new Error(`error executing query ${JSON.stringify(expr)}: ${msg}`));
          }
        }),
      );
    }
    return `<error expanding template: more than ${rounds} rounds of dependent queries>`;
  }

  /**
   * expand renders the template. A failure while running (a bad function argument) gives Prometheus's
   * `<error expanding template: …>` text instead of throwing, so one bad annotation never stops a group.
   */
  expand(data: TemplateData): string {
    return this.render(data, () => {
      throw new Error('query is not available here');
    });
  }

  private render(data: TemplateData, query: Env['query']): string {
    const env: Env = { data, query };
    const vars = new Map<string, unknown>([
      ['', dataObject(data)],
      ['labels', data.labels],
      ['externalLabels', data.externalLabels],
      ['externalURL', data.externalURL],
      ['value', data.value],
    ]);
    try {
      const out: string[] = [];
      run(this.nodes, dataObject(data), [vars], out, env);
      return out.join('');
    } catch (e) {
      return `<error expanding template: ${e instanceof Error ? e.message : String(e)}>`;
    }
  }
}

export { PREAMBLE_VARS };

function dataObject(d: TemplateData): Record<string, unknown> {
  return { Labels: d.labels, ExternalLabels: d.externalLabels, ExternalURL: d.externalURL, Value: d.value };
}

type Scope = Map<string, unknown>[];

function lookupVar(scopes: Scope, name: string): unknown {
  for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i]!.has(name)) return scopes[i]!.get(name);
  throw new Error(`undefined variable "$${name}"`);
}

function field(v: unknown, f: string): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    // missingkey=zero, as Prometheus sets: an absent label renders as "".
    return Object.prototype.hasOwnProperty.call(o, f) ? o[f] : '';
  }
  throw new Error(`can't evaluate field ${f} in type ${typeof v}`);
}

function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function run(nodes: TemplateNode[], dot: unknown, scopes: Scope, out: string[], env: Env): void {
  for (const n of nodes) {
    switch (n.kind) {
      case 'text':
        out.push(n.text);
        break;
      case 'output': {
        const v = pipe(n.pipe, dot, scopes, env);
        if (n.pipe.decl === undefined) out.push(goString(v));
        break;
      }
      case 'if':
      case 'with': {
        const v = pipe(n.pipe, dot, scopes, env);
        scopes.push(new Map());
        if (truthy(v)) run(n.then, n.kind === 'with' ? v : dot, scopes, out, env);
        else run(n.else, dot, scopes, out, env);
        scopes.pop();
        break;
      }
      case 'range': {
        const v = pipe(n.pipe, dot, scopes, env);
        const entries: [unknown, unknown][] = Array.isArray(v)
          ? v.map((e, i) => [i, e])
          : v !== null && typeof v === 'object'
            ? Object.keys(v)
                .sort()
                .map((k) => [k, (v as Record<string, unknown>)[k]])
            : [];
        if (entries.length === 0) run(n.else, dot, scopes, out, env);
        for (const [k, e] of entries) {
          const s = new Map<string, unknown>();
          if (n.key !== undefined) s.set(n.key, k);
          if (n.elem !== undefined) s.set(n.elem, e);
          scopes.push(s);
          run(n.body, e, scopes, out, env);
          scopes.pop();
        }
        break;
      }
    }
  }
}

function pipe(p: Pipeline, dot: unknown, scopes: Scope, env: Env): unknown {
  let prev: unknown;
  let hasPrev = false;
  for (const cmd of p.cmds) {
    prev = command(cmd, dot, scopes, env, hasPrev ? [prev] : []);
    hasPrev = true;
  }
  if (p.decl !== undefined) {
    if (p.decl.assign) {
      for (let i = scopes.length - 1; i >= 0; i--)
        if (scopes[i]!.has(p.decl.name)) {
          scopes[i]!.set(p.decl.name, prev);
          return prev;
        }
      throw new Error(`undefined variable "$${p.decl.name}"`);
    }
    scopes[scopes.length - 1]!.set(p.decl.name, prev);
  }
  return prev;
}

function operand(o: Operand, dot: unknown, scopes: Scope, env: Env): unknown {
  switch (o.kind) {
    case 'lit':
      return o.value;
    case 'var':
      return o.fields.reduce(field, lookupVar(scopes, o.name));
    case 'field':
      return o.fields.reduce(field, dot);
    case 'pipe':
      return o.fields.reduce(field, pipe(o.pipe, dot, scopes, env));
    case 'func':
      return call(o.name, [], env);
  }
}

function command(cmd: Operand[], dot: unknown, scopes: Scope, env: Env, piped: unknown[]): unknown {
  const head = cmd[0]!;
  if (head.kind === 'func') {
    const args = cmd.slice(1).map((a) => operand(a, dot, scopes, env));
    return call(head.name, [...args, ...piped], env);
  }
  if (cmd.length > 1 || piped.length > 0)
    throw new Error(`can't give argument to non-function ${describeOperand(head)}`);
  return operand(head, dot, scopes, env);
}

function describeOperand(o: Operand): string {
  return o.kind === 'var' ? `$${o.name}` : o.kind === 'lit' ? goString(o.value) : '.';
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`incompatible types for comparison`);
}

function call(name: string, args: unknown[], env: Env): unknown {
  switch (name) {
    case 'query':
      return env.query(goString(args[0] ?? ''));
    case 'externalURL':
      return env.data.externalURL;
    case 'pathPrefix':
      return pathOf(env.data.externalURL);
    case 'printf':
      return goSprintf(goString(args[0] ?? ''), args.slice(1));
    case 'print':
      return args.map(goString).join('');
    case 'println':
      return args.map(goString).join(' ') + '\n';
    case 'len': {
      const v = args[0];
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (v !== null && typeof v === 'object') return Object.keys(v).length;
      throw new Error(`len of ${goString(v)}`);
    }
    case 'index':
      return args.slice(1).reduce((v, k) => {
        if (Array.isArray(v)) return v[Number(k)];
        return field(v, String(k));
      }, args[0]);
    case 'eq':
      return args.slice(1).some((b) => compare(args[0], b) === 0);
    case 'ne':
      return compare(args[0], args[1]) !== 0;
    case 'lt':
      return compare(args[0], args[1]) < 0;
    case 'le':
      return compare(args[0], args[1]) <= 0;
    case 'gt':
      return compare(args[0], args[1]) > 0;
    case 'ge':
      return compare(args[0], args[1]) >= 0;
    case 'and':
      return args.find((a) => !truthy(a)) ?? args[args.length - 1];
    case 'or':
      return args.find(truthy) ?? args[args.length - 1];
    case 'not':
      return !truthy(args[0]);
  }
  const f = TEMPLATE_FUNCS[name];
  if (f === undefined) throw new Error(`function "${name}" not defined`);
  return f(...args);
}

/** formatValue renders a sample value as `{{ $value }}` does. */
export function formatValue(v: number): string {
  return goFloat(v);
}

/** pathOf is the path of the external URL, as Prometheus's `pathPrefix` ("" when there is none). */
function pathOf(url: string): string {
  try {
    const p = new URL(url).pathname;
    return p === '/' ? '' : p;
  } catch {
    return '';
  }
}

/** callsFunc tells whether any action of the template calls the function `name`. */
function callsFunc(nodes: TemplateNode[], name: string): boolean {
  const inPipe = (p: Pipeline): boolean =>
    p.cmds.some((cmd) =>
      cmd.some((o) => (o.kind === 'func' && o.name === name) || (o.kind === 'pipe' && inPipe(o.pipe))),
    );
  return nodes.some((n) => {
    switch (n.kind) {
      case 'text':
        return false;
      case 'output':
        return inPipe(n.pipe);
      case 'if':
      case 'with':
        return inPipe(n.pipe) || callsFunc(n.then, name) || callsFunc(n.else, name);
      case 'range':
        return inPipe(n.pipe) || callsFunc(n.body, name) || callsFunc(n.else, name);
    }
  });
}
