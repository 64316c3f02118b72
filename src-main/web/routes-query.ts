import type { Hono } from 'hono';
import { QueryError, type PromValue, type QueryOptions } from '../promql/api';
import { badData, invalidParam } from './errors';
import { encodeValue } from './format';
import { durationParam, limitParam, timeParam, type Params } from './params';
import { api } from './respond';
import type { WebDeps } from './api';

/** MAX_POINTS is Prometheus's cap on points per series of a range query. */
export const MAX_POINTS = 11_000;

/** TRUNCATED is the warning Prometheus adds when a `limit` parameter cut a result short. */
export const TRUNCATED = 'results truncated due to limit';

/** addQueryRoutes serves /api/v1/query and /api/v1/query_range (GET, or POST with a form body). */
export function addQueryRoutes(app: Hono, deps: WebDeps): void {
  const now = deps.now ?? Date.now;

  const options = (params: Params, signal: AbortSignal): QueryOptions => {
    const configured = deps.config().query.timeout;
    const asked = durationParam(params, 'timeout');
    const timeoutMs = asked !== undefined && asked > 0 ? Math.min(asked, configured) : configured;
    return { timeoutMs, signal };
  };

  const run = async (
    params: Params,
    query: () => Promise<{ value: PromValue; warnings: string[]; infos: string[] }>,
  ) => {
    const limit = limitParam(params);
    let result;
    try {
      result = await query();
    } catch (err) {
      // A parse error names the parameter, as Prometheus does.
      if (err instanceof QueryError && err.type === 'bad_data') throw invalidParam('query', err.message);
      throw err;
    }
    const warnings = [...result.warnings];
    const value = truncate(result.value, limit, warnings);
    return { data: encodeValue(value), warnings, infos: result.infos };
  };

  app.on(
    ['GET', 'POST'],
    '/api/v1/query',
    api(async (params, c) => {
      const t = timeParam(params, 'time', now());
      const opts = options(params, c.req.raw.signal);
      return run(params, () => deps.engine.instantQuery(params.get('query'), t, opts));
    }),
  );

  app.on(
    ['GET', 'POST'],
    '/api/v1/query_range',
    api(async (params, c) => {
      const start = timeParam(params, 'start');
      const end = timeParam(params, 'end');
      if (end < start) throw invalidParam('end', 'end timestamp must not be before start time');
      const step = durationParam(params, 'step');
      if (step === undefined) throw invalidParam('step', 'cannot parse "" to a valid duration');
      checkRange(start, end, step);
      const opts = options(params, c.req.raw.signal);
      return run(params, () => deps.engine.rangeQuery(params.get('query'), start, end, step, opts));
    }),
  );
}

/**
 * checkRange refuses a range query's window as Prometheus does: end before start, a step that is not
 * positive, or more than MAX_POINTS points per series (times and step in ms).
 */
export function checkRange(start: number, end: number, step: number): void {
  if (end < start) throw invalidParam('end', 'end timestamp must not be before start time');
  if (step <= 0)
    throw invalidParam(
      'step',
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
  if ((end - start) / step > MAX_POINTS)
    throw badData(
      `exceeded maximum resolution of ${MAX_POINTS.toLocaleString('en-US')} points per timeseries. Try decreasing the query resolution (?step=XX)`,
    );
}

/** truncate keeps the first `limit` series of a vector or matrix (0 = all), warning when it cut. */
function truncate(value: PromValue, limit: number, warnings: string[]): PromValue {
  if (limit <= 0) return value;
  if (value.type === 'vector' && value.samples.length > limit) {
    warnings.push(TRUNCATED);
    return { type: 'vector', samples: value.samples.slice(0, limit) };
  }
  if (value.type === 'matrix' && value.series.length > limit) {
    warnings.push(TRUNCATED);
    return { type: 'matrix', series: value.series.slice(0, limit) };
  }
  return value;
}
