import type { Hono } from 'hono';
import { formatQuery, parseQuery, QueryError } from '../promql/api';
import { invalidParam } from './errors';
import { api } from './respond';

/**
 * addFormatRoutes serves, GET or POST, the two query-text tools of Prometheus's API:
 * - /api/v1/format_query: the `query` parameter re-printed as Prometheus prints it (one line up to 100
 *   characters, longer expressions split over indented lines), as its UI's "format" button expects;
 * - /api/v1/parse_query: the query's syntax tree as JSON, shaped as Prometheus 3 returns it.
 * A query that does not parse is bad_data, worded like /api/v1/query's (`invalid parameter "query": …`).
 */
export function addFormatRoutes(app: Hono): void {
  const route = (path: string, answer: (query: string) => Promise<unknown>): void => {
    app.on(
      ['GET', 'POST'],
      path,
      api(async (params) => {
        try {
          return { data: await answer(params.get('query')) };
        } catch (err) {
          if (err instanceof QueryError && err.type === 'bad_data') throw invalidParam('query', err.message);
          throw err;
        }
      }),
    );
  };
  route('/api/v1/format_query', formatQuery);
  route('/api/v1/parse_query', parseQuery);
}
