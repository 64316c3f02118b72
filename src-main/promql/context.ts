import type { SeriesData } from '../storage/api';
import { QueryError } from './api';
import type { VectorSelector } from './ast';
import type { SharedResults } from './shared-results';

/** EvalContext is everything synchronous evaluation needs: the fetched data, the query span and limits. */
export interface EvalContext {
  query: string;
  start: number;
  end: number;
  /** step of a range query in ms; 0 for an instant query. */
  step: number;
  lookbackMs: number;
  /** subqueryStepMs is the step of a subquery written without one. */
  subqueryStepMs: number;
  data: Map<VectorSelector, SeriesData[]>;
  warnings: Set<string>;
  infos: Set<string>;
  deadline: number;
  signal: AbortSignal | undefined;
  maxSamples: number;
  /** samplesInStep counts samples held for the current step, checked against maxSamples. */
  samplesInStep: number;
  /** shared holds subexpression results other instant queries at the same time may reuse (rules). */
  shared?: SharedResults;
}

/** position renders a character offset as Prometheus's "(line:col)" annotation suffix. */
export function position(query: string, offset: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < query.length; i++) {
    if (query[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return `(${line}:${col})`;
}

/** warn records a "PromQL warning" annotation about the expression starting at offset. */
export function warn(ctx: EvalContext, msg: string, offset: number): void {
  ctx.warnings.add(`PromQL warning: ${msg} ${position(ctx.query, offset)}`);
}

/** info records a "PromQL info" annotation about the expression starting at offset. */
export function info(ctx: EvalContext, msg: string, offset: number): void {
  ctx.infos.add(`PromQL info: ${msg} ${position(ctx.query, offset)}`);
}

/** checkLimits enforces the timeout, cancellation and the sample limit; called once per step. */
export function checkLimits(ctx: EvalContext): void {
  if (ctx.signal?.aborted) throw new QueryError('canceled', 'query was canceled in query execution');
  if (Date.now() > ctx.deadline) throw new QueryError('timeout', 'query timed out in query execution');
}

/** countSamples adds n to the current step's samples and fails when the limit is passed. */
export function countSamples(ctx: EvalContext, n: number): void {
  ctx.samplesInStep += n;
  if (ctx.samplesInStep > ctx.maxSamples)
    throw new QueryError(
      'too_many_samples',
      'query processing would load too many samples into memory in query execution',
    );
}

/** evalError is an execution error of the query (Prometheus's errorType "execution"). */
export function evalError(msg: string): QueryError {
  return new QueryError('execution', msg);
}
