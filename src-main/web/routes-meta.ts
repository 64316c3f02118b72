import type { Hono } from 'hono';
import type { Matcher } from '../common/matcher';
import type { WebDeps } from './api';
import { badData } from './errors';
import { labelsObject } from './format';
import { limitParam, MAX_TIME, MIN_TIME, timeParam, type Params } from './params';
import { api } from './respond';
import { isLabelName, parseSelector } from './selector';
import { TRUNCATED } from './routes-query';

/** matchSets parses every match[] parameter into a matcher set. */
function matchSets(params: Params): Matcher[][] {
  return params.getAll('match[]').map((s) => parseSelector(s));
}

/** range reads start/end, defaulting to all time as Prometheus does. */
function range(params: Params): [number, number] {
  return [timeParam(params, 'start', MIN_TIME), timeParam(params, 'end', MAX_TIME)];
}

/**
 * limited asks storage for one more than `limit` so it can tell a cut result from one that just fits,
 * then trims and warns as Prometheus does.
 */
async function limited<T>(
  limit: number,
  fetch: (n: number | undefined) => Promise<T[]>,
): Promise<{ data: T[]; warnings: string[] }> {
  const rows = await fetch(limit > 0 ? limit + 1 : undefined);
  if (limit > 0 && rows.length > limit) return { data: rows.slice(0, limit), warnings: [TRUNCATED] };
  return { data: rows, warnings: [] };
}

/** addMetaRoutes serves series, labels, label values, metadata and (empty) exemplars. */
export function addMetaRoutes(app: Hono, deps: WebDeps): void {
  const q = deps.querier;

  app.on(
    ['GET', 'POST'],
    '/api/v1/series',
    api(async (params) => {
      if (!params.has('match[]')) throw badData('no match[] parameter provided');
      const sets = matchSets(params);
      const [start, end] = range(params);
      const limit = limitParam(params);
      const out = await limited(limit, (n) => q.series(sets, start, end, n));
      return { data: out.data.map(labelsObject), warnings: out.warnings };
    }),
  );

  app.on(
    ['GET', 'POST'],
    '/api/v1/labels',
    api(async (params) => {
      const sets = matchSets(params);
      const [start, end] = range(params);
      const limit = limitParam(params);
      return limited(limit, (n) => q.labelNames(sets, start, end, n));
    }),
  );

  app.get(
    '/api/v1/label/:name/values',
    api(async (params, c) => {
      const name = c.req.param('name') ?? '';
      if (!isLabelName(name)) throw badData(`invalid label name: ${JSON.stringify(name)}`);
      const sets = matchSets(params);
      const [start, end] = range(params);
      const limit = limitParam(params);
      return limited(limit, (n) => q.labelValues(name, sets, start, end, n));
    }),
  );

  app.get(
    '/api/v1/metadata',
    api(async (params) => {
      // Prometheus's metadata limit is a plain integer where any negative value means "no limit".
      const limitText = params.get('limit');
      if (limitText !== '' && !/^[+-]?\d+$/.test(limitText)) throw badData('limit must be a number');
      const limit = limitText === '' ? -1 : Number(limitText);
      const metric = params.get('metric');
      const meta = await q.metadata(metric === '' ? undefined : metric, limit >= 0 ? limit : undefined);
      const data: Record<string, { type: string; help: string; unit: string }[]> = {};
      for (const [name, m] of meta) data[name] = [{ type: m.type, help: m.help, unit: m.unit }];
      return { data };
    }),
  );

  // Vigie stores no exemplars; Grafana asks for them, so answer with none rather than 404.
  app.on(
    ['GET', 'POST'],
    '/api/v1/query_exemplars',
    api(async () => ({ data: [] })),
  );
}
