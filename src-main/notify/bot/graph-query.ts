import type { Engine } from '../../promql/api';
import { common } from '../payload';
import type { GraphFn } from './commands';
import { renderGraph, type GraphOptions } from './graph-render';

/** GraphQueryOptions size the chart and bound the query; every limit is a setting. */
export interface GraphQueryOptions extends Omit<GraphOptions, 'title'> {
  /** points per series (default 240: one per ~3 px of a phone-wide chart). */
  points?: number;
  /** timeoutMs bounds the query (default 10 s): a chat should not wait longer. */
  timeoutMs?: number;
}

/** seriesName prints a series as PromQL does: `metric{a="b"}`. */
function seriesName(labels: Readonly<Record<string, string>>): string {
  const { __name__: name = '', ...rest } = labels;
  const pairs = Object.keys(rest)
    .sort()
    .map((k) => `${k}=${JSON.stringify(rest[k])}`);
  return pairs.length > 0 ? `${name}{${pairs.join(', ')}}` : name || '{}';
}

/**
 * graphFn answers /graph and the Graph button: a range query over the last rangeMs with a step giving
 * `points` points, drawn by renderGraph. Query errors reject with the engine's message for the chat.
 */
export function graphFn(engine: Engine, o: GraphQueryOptions = {}, now = Date.now): GraphFn {
  return async (expr, rangeMs) => {
    const end = now();
    const step = Math.max(1000, Math.ceil(rangeMs / (o.points ?? 240) / 1000) * 1000);
    const r = await engine.rangeQuery(expr, end - rangeMs, end, step, { timeoutMs: o.timeoutMs ?? 10_000 });
    const v = r.value;
    const raw =
      v.type === 'matrix'
        ? v.series
        : v.type === 'vector'
          ? v.samples.map((s) => ({ labels: s.labels, t: [s.t], v: [s.v] }))
          : [];
    // The legend names series by what sets them apart: labels shared by every line go unsaid.
    const shared = raw.length > 1 ? common(raw.map((s) => s.labels)) : {};
    const series = raw.map((s) => {
      const own = Object.fromEntries(Object.entries(s.labels).filter(([k]) => shared[k] === undefined));
      return { name: seriesName(Object.keys(own).length > 0 ? own : s.labels), t: s.t, v: s.v };
    });
    const title = expr.length > 70 ? `${expr.slice(0, 69)}…` : expr;
    return renderGraph(series, { ...o, title: series.length === 0 ? `${title} — no data` : title });
  };
}
