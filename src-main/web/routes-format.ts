import type { Hono } from 'hono';
import { formatQuery, QueryError } from '../promql/api';
import { invalidParam } from './errors';
import { api } from './respond';

/**
 * addFormatRoutes serves /api/v1/format_query (GET or POST): the `query` parameter re-printed in PromQL's
 * canonical form, as Prometheus's UI "format" button and promtool-style tools expect. A query that does
 * not parse is bad_data, worded like /api/v1/query's (`invalid parameter "query": …`).
 */
export function addFormatRoutes(app: Hono): void {
  app.on(
    ['GET', 'POST'],
    '/api/v1/format_query',
    api(async (params) => {
      try {
        return { data: await formatQuery(params.get('query')) };
      } catch (err) {
        if (err instanceof QueryError && err.type === 'bad_data') throw invalidParam('query', err.message);
        throw err;
      }
    }),
  );
}
