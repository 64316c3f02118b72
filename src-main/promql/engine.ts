import { labelsKey } from '../common/labels';
import type { Querier, SeriesData } from '../storage/api';
import {
  QueryError,
  type Engine,
  type PromValue,
  type QueryOptions,
  type QueryResult,
  type RangeSeries,
  type SharingQuerier,
} from './api';
import { typeOf, type Expr, type VectorSelector } from './ast';
import { DEFAULT_COLUMNAR_MAX_CELLS, evalRangeColumnar } from './columnar';
import { checkLimits, evalError, type EvalContext } from './context';
import { Evaluator } from './evaluator';
import { planSelections } from './plan';
import { parseExpr } from './parse';
import { translateRE2 } from './re2';
import { dropMetricName, keyOf, SeriesCollector, type MSeries, type Value, type VSample } from './values';

/** EngineOptions are the engine-wide defaults; every field has a sane default. */
export interface EngineOptions {
  /** lookbackDeltaMs is how far back an instant selector looks for a sample (default 5 m). */
  lookbackDeltaMs?: number;
  /** timeoutMs bounds one query's evaluation (default 2 m). */
  timeoutMs?: number;
  /** maxSamples bounds the samples one step may hold in memory (default 50 million). */
  maxSamples?: number;
  /** subqueryStepMs is the step of subqueries written without one (default 1 m). */
  subqueryStepMs?: number;
  /**
   * columnarMaxCells bounds the step values (9 B each) a range query evaluated a series at a time may hold
   * (default 10 million); past it (or when 0) the query is evaluated step by step.
   */
  columnarMaxCells?: number;
}

/** PARSE_CACHE_SIZE bounds the parsed expressions kept by text (a dashboard's and the rules' queries). */
export const PARSE_CACHE_SIZE = 1024;
const parseCache = new Map<string, Expr>();

/**
 * parsedExpr returns the syntax tree of a query text, parsing each text once: rules and dashboards send
 * the same few hundred texts again every cycle. Trees are never changed by evaluation, so sharing them is
 * safe; the least recently used text is dropped past PARSE_CACHE_SIZE. Parse errors are not kept.
 */
export function parsedExpr(text: string): Expr {
  let expr = parseCache.get(text);
  if (expr !== undefined) {
    parseCache.delete(text);
    parseCache.set(text, expr);
    return expr;
  }
  expr = parseExpr(text);
  parseCache.set(text, expr);
  if (parseCache.size > PARSE_CACHE_SIZE) parseCache.delete(parseCache.keys().next().value!);
  return expr;
}

/**
 * createEngine builds the PromQL engine over a storage Querier. Each query is parsed and type-checked, every
 * selector's time range is fetched up front through the async Querier, then evaluation runs synchronously
 * over the in-memory data, step by step for range queries.
 */
export function createEngine(querier: Querier, opts: EngineOptions = {}): Engine {
  const lookback = opts.lookbackDeltaMs ?? 5 * 60_000;
  const timeout = opts.timeoutMs ?? 2 * 60_000;
  const maxSamples = opts.maxSamples ?? 50e6;
  const subqueryStep = opts.subqueryStepMs ?? 60_000;
  const columnarMaxCells = opts.columnarMaxCells ?? DEFAULT_COLUMNAR_MAX_CELLS;

  async function prepare(
    text: string,
    start: number,
    end: number,
    step: number,
    q: QueryOptions | undefined,
  ): Promise<{ expr: Expr; ctx: EvalContext }> {
    const expr = parsedExpr(text);
    const ctx: EvalContext = {
      query: text,
      start,
      end,
      step,
      lookbackMs: q?.lookbackDeltaMs ?? lookback,
      subqueryStepMs: subqueryStep,
      data: new Map<VectorSelector, SeriesData[]>(),
      warnings: new Set(),
      infos: new Set(),
      deadline: Date.now() + (q?.timeoutMs ?? timeout),
      signal: q?.signal,
      maxSamples,
      samplesInStep: 0,
    };
    const plans = planSelections(expr, ctx);
    await Promise.all(
      plans.map(async (p) => {
        const matchers = p.selector.matchers.map((m) =>
          m.type === '=~' || m.type === '!~' ? { ...m, value: translateRE2(m.value) } : m,
        );
        ctx.data.set(p.selector, await querier.select(matchers, p.mint, p.maxt, p.hints));
      }),
    );
    checkLimits(ctx);
    return { expr, ctx };
  }

  /** released gives a finished query's selected data back to the querier (Querier.release) and returns r. */
  const released = <R>(ctx: EvalContext, r: R): R => {
    if (querier.release !== undefined) for (const d of ctx.data.values()) querier.release(d);
    return r;
  };

  return {
    async instantQuery(text, t, q) {
      const { expr, ctx } = await prepare(text, t, t, 0, q);
      // Rules' queriers share subexpression results between the queries of one evaluation time.
      const shared = (querier as SharingQuerier<Value>).sharedResults;
      if (shared !== undefined) ctx.shared = shared;
      const ev = new Evaluator(ctx);
      const v = ev.eval(expr, t);
      let value: PromValue;
      switch (v.type) {
        case 'scalar':
          value = { type: 'scalar', t, v: v.v };
          break;
        case 'string':
          value = { type: 'string', t, v: v.v };
          break;
        case 'vector':
          value = {
            type: 'vector',
            samples: cleanupVector(v.samples).map((s) => ({ labels: s.labels, t, v: s.v })),
          };
          break;
        case 'matrix':
          value = { type: 'matrix', series: mergeSeries(v.series) };
          break;
      }
      return result(value, ctx);
    },

    async rangeQuery(text, start, end, step, q) {
      if (!(step > 0))
        throw new QueryError('bad_data', 'zero or negative query resolution step widths are not accepted');
      if (end < start) throw new QueryError('bad_data', 'end timestamp must not be before start time');
      const { expr, ctx } = await prepare(text, start, end, step, q);
      const type = typeOf(expr);
      if (type !== 'vector' && type !== 'scalar')
        throw new QueryError(
          'bad_data',
          `invalid expression type "${type === 'matrix' ? 'range vector' : type}" for range query, must be Scalar or instant Vector`,
        );
      // Most dashboard queries have a columnar form, many times faster; it yields the same numbers.
      const columns = columnarMaxCells > 0 ? evalRangeColumnar(expr, ctx, columnarMaxCells) : undefined;
      if (columns !== undefined)
        return released(ctx, result({ type: 'matrix', series: mergeSeries(columns) }, ctx));
      const ev = new Evaluator(ctx);
      const collector = new SeriesCollector();
      for (let t = start; t <= end; t += step) {
        checkLimits(ctx);
        ctx.samplesInStep = 0;
        const v = ev.eval(expr, t);
        const samples: VSample[] =
          v.type === 'scalar'
            ? [{ labels: {}, v: v.v, ts: t, dropName: false }]
            : v.type === 'vector'
              ? v.samples
              : [];
        for (const s of samples)
          if (!collector.add(s, t)) throw evalError('vector cannot contain metrics with the same labelset');
      }
      return released(ctx, result({ type: 'matrix', series: mergeSeries(collector.series()) }, ctx));
    },
  };
}

function result(value: PromValue, ctx: EvalContext): QueryResult {
  return { value, warnings: [...ctx.warnings], infos: [...ctx.infos] };
}

/** cleanupVector removes __name__ where it was marked dropped and rejects duplicate label sets. */
function cleanupVector(samples: VSample[]): VSample[] {
  const seen = new Set<string>();
  return samples.map((s) => {
    const labels = s.dropName ? dropMetricName(s.labels) : s.labels;
    const key = keyOf(labels);
    if (seen.has(key)) throw evalError('vector cannot contain metrics with the same labelset');
    seen.add(key);
    return { ...s, labels };
  });
}

/** mergeSeries drops marked names, merges series that became equal, and sorts by labels. */
function mergeSeries(series: MSeries[]): RangeSeries[] {
  const merged = new Map<string, RangeSeries>();
  for (const s of series) {
    const labels = s.dropName ? dropMetricName(s.labels) : s.labels;
    const key = labelsKey(labels);
    const prev = merged.get(key);
    if (prev === undefined) {
      merged.set(key, { labels, t: [...s.t], v: [...s.v] });
      continue;
    }
    const times = new Set(prev.t);
    if (s.t.some((t) => times.has(t)))
      throw evalError('vector cannot contain metrics with the same labelset');
    const pts = prev.t
      .map((t, i) => [t, prev.v[i]!] as const)
      .concat(s.t.map((t, i) => [t, s.v[i]!] as const));
    pts.sort((a, b) => a[0] - b[0]);
    prev.t = pts.map((p) => p[0]);
    prev.v = pts.map((p) => p[1]);
  }
  return [...merged.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
}
