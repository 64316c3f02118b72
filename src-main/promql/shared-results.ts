import type { Expr } from './ast';
import type { EvalContext } from './context';
import type { SharedResults as SharedResultsApi, SharingQuerier as SharingQuerierApi } from './api';
import type { Value } from './values';

/** SharedResults of Values, as the evaluator reads and writes them (the api's type is value-agnostic). */
export type SharedResults = SharedResultsApi<Value>;
export type SharingQuerier = SharingQuerierApi<Value>;

/** Shape is what sharing needs to know of a node: its canonical text's number and the metrics it selects. */
interface Shape {
  /** id numbers the node's canonical text (equal subexpressions of other queries get the same id). */
  id: number;
  /** metrics are the names of every selector below the node; null when one has no `__name__="…"`. */
  metrics: string[] | null;
}

/** SHAPES memoises each node's Shape: parsed trees are shared by text (engine.ts), so this runs once. */
const SHAPES = new WeakMap<Expr, Shape>();
/**
 * TEXT_IDS numbers canonical texts, so that keys are short (a key is hashed at every lookup). It holds one
 * entry per distinct subexpression ever shared, bounded by TEXT_IDS_MAX: past it, numbering starts afresh.
 */
const TEXT_IDS = new Map<string, number>();
const TEXT_IDS_MAX = 100_000;
let nextTextId = 0;

function textId(text: string): number {
  let id = TEXT_IDS.get(text);
  if (id === undefined) {
    if (TEXT_IDS.size >= TEXT_IDS_MAX) TEXT_IDS.clear();
    TEXT_IDS.set(text, (id = nextTextId++));
  }
  return id;
}

function shapeOf(e: Expr): Shape {
  let s = SHAPES.get(e);
  if (s === undefined) {
    const metrics: string[] = [];
    let named = true;
    const walk = (x: Expr): void => {
      switch (x.kind) {
        case 'vectorSelector': {
          const m = x.matchers.find((y) => y.name === '__name__' && y.type === '=');
          if (m === undefined) named = false;
          else if (!metrics.includes(m.value)) metrics.push(m.value);
          return;
        }
        case 'matrixSelector':
          return walk(x.vector);
        case 'subquery':
        case 'paren':
        case 'unary':
          return walk(x.expr);
        case 'call':
          return x.args.forEach(walk);
        case 'aggregate':
          walk(x.expr);
          if (x.param !== null) walk(x.param);
          return;
        case 'binary':
          walk(x.lhs);
          return walk(x.rhs);
        default:
          return;
      }
    };
    walk(e);
    // Spans differ between texts that hold the same subexpression; numbers are printed exactly (JSON
    // would print NaN and ±Inf alike as null).
    const text = JSON.stringify(e, (k, v: unknown) =>
      k === 'start' || k === 'end' ? undefined : typeof v === 'number' ? `#${v}` : v,
    );
    s = { id: textId(text), metrics: named ? metrics : null };
    SHAPES.set(e, s);
  }
  return s;
}

/**
 * sharedKey is the key of e's result at ts in ctx.shared, or undefined when it may not be shared: no
 * store, a node too cheap to be worth it, or a selector whose data may change within the scope.
 */
export function sharedKey(e: Expr, ts: number, ctx: EvalContext): string | undefined {
  const shared = ctx.shared;
  if (shared === undefined || (e.kind !== 'call' && e.kind !== 'aggregate' && e.kind !== 'binary'))
    return undefined;
  const s = shapeOf(e);
  if (s.metrics === null || s.metrics.length === 0) return undefined;
  for (const m of s.metrics) if (!shared.stable(m)) return undefined;
  // `@ start()`/`@ end()` and subqueries make the result depend on the query's span and settings too.
  return `${s.id}:${ts}:${ctx.start}:${ctx.end}:${ctx.lookbackMs}:${ctx.subqueryStepMs}`;
}

/** copyValue hands out a stored result: callers may reorder a vector's array (sort), never its samples. */
export function copyValue(v: Value): Value {
  if (v.type === 'vector') return { type: 'vector', samples: v.samples.slice() };
  if (v.type === 'matrix') return { type: 'matrix', series: v.series.slice() };
  return v;
}
