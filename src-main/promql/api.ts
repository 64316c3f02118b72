import type { Labels } from '../common/labels';

/** InstantSample is one element of an instant vector. */
export interface InstantSample {
  labels: Labels;
  t: number;
  v: number;
}

/** RangeSeries is one element of a range vector (matrix), with points sorted by time. */
export interface RangeSeries {
  labels: Labels;
  t: number[];
  v: number[];
}

/** PromValue is a query's result, typed as in Prometheus's API (`resultType`). */
export type PromValue =
  | { type: 'vector'; samples: InstantSample[] }
  | { type: 'matrix'; series: RangeSeries[] }
  | { type: 'scalar'; t: number; v: number }
  | { type: 'string'; t: number; v: string };

/** QueryResult carries the value and the annotations Prometheus returns beside it. */
export interface QueryResult {
  value: PromValue;
  warnings: string[];
  infos: string[];
}

/** QueryOptions are per-query limits; unset fields take the engine's configured defaults. */
export interface QueryOptions {
  timeoutMs?: number;
  lookbackDeltaMs?: number;
  signal?: AbortSignal;
}

/** QueryErrorType mirrors Prometheus's API errorType values so the web stage maps them 1:1. */
export type QueryErrorType =
  'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'too_many_samples';

/** QueryError is a failed query: bad input (bad_data, with a "parse error at char N" message) or a limit. */
export class QueryError extends Error {
  constructor(
    readonly type: QueryErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

/** Engine answers PromQL over a storage Querier. Times are ms since the epoch; step is ms. */
export interface Engine {
  instantQuery(expr: string, t: number, opts?: QueryOptions): Promise<QueryResult>;
  rangeQuery(
    expr: string,
    start: number,
    end: number,
    step: number,
    opts?: QueryOptions,
  ): Promise<QueryResult>;
}

/**
 * formatQuery parses PromQL text and prints it as Prometheus's format_query does (Pretty: one line up to
 * 100 characters, longer nodes split and indented; for the API's /api/v1/format_query); bad input throws a bad_data QueryError. The parser is loaded on first use: a
 * static import here would be an import cycle, since the parser's errors extend QueryError above.
 */
export async function formatQuery(text: string): Promise<string> {
  const [{ parseExpr }, { prettyExpr }] = await Promise.all([import('./parse'), import('./pretty')]);
  return prettyExpr(parseExpr(text));
}

/**
 * parseQuery parses PromQL text into the JSON tree Prometheus 3's /api/v1/parse_query returns; bad input
 * throws a bad_data QueryError. Loaded on first use for the same reason as formatQuery.
 */
export async function parseQuery(text: string): Promise<Record<string, unknown>> {
  const [{ parseExpr }, { astToJson }] = await Promise.all([import('./parse'), import('./ast-json')]);
  return astToJson(parseExpr(text));
}

/**
 * SharedResults is a store of subexpression results that several instant queries at the same time may
 * reuse. Rules need it: a threshold rule's warning and critical alerts are `(expr) > warn` and
 * `(expr) > crit`, and a lab's threshold rules repeat the same few expressions with other thresholds, so
 * without sharing each cycle evaluates the same `rate(…[5m])` over every host several times.
 * Its owner decides the scope (one evaluation time of a rule manager) and bounds what it keeps.
 */
export interface SharedResults<V = unknown> {
  /**
   * stable tells whether selecting this metric again within the scope returns the same data for the same
   * range (a rule group's own recorded metrics are not: a later rule must see what an earlier one wrote).
   */
  stable(metric: string): boolean;
  get(key: string): V | undefined;
  set(key: string, value: V): void;
}

/**
 * SharingQuerier is a Querier that offers SharedResults (rules/cycle-querier.ts does); the engine looks for
 * the property on the querier it was built over, so no wiring changes for queries that share nothing.
 */
export interface SharingQuerier<V = unknown> {
  readonly sharedResults?: SharedResults<V>;
}
