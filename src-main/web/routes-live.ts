import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { WebDeps } from './api';
import { encodeValue } from './format';
import { json } from './respond';

/** LiveOptions bound the live stream; every limit is a setting with a default. */
export interface LiveOptions {
  /** maxStreams open at once (default 64): a forgotten kiosk tab must not exhaust the appliance. */
  maxStreams?: number;
  /** maxQueries per stream (default 200: one stream carries every panel of a page). */
  maxQueries?: number;
  /** minIntervalMs between two evaluations (default 1000); defaultIntervalMs when the client asks none (5000). */
  minIntervalMs?: number;
  defaultIntervalMs?: number;
}

function fail(status: number, error: string): Response {
  return json({ status: 'error', errorType: 'bad_data', error }, status);
}

/**
 * addLiveRoutes serves GET /api/vigie/live?query=E1&query=E2&interval=5s as server-sent events: every
 * interval it evaluates each expression at the current time and sends one `sample` event
 * `{"t": seconds, "results": [{resultType, result}, …]}` (one entry per query, in order). Panels append
 * those points to the range they already hold, instead of re-fetching the whole range. An expression that
 * fails sends an `error` event for that index and the stream goes on.
 */
export function addLiveRoutes(app: Hono, deps: WebDeps, o: LiveOptions = {}): void {
  const maxStreams = o.maxStreams ?? 64;
  const maxQueries = o.maxQueries ?? 200;
  const minInterval = o.minIntervalMs ?? 1000;
  const defaultInterval = o.defaultIntervalMs ?? 5000;
  const now = deps.now ?? Date.now;
  let open = 0;

  app.get('/api/vigie/live', (c) => {
    const queries = c.req.queries('query') ?? [];
    if (queries.length === 0) return fail(400, 'invalid parameter "query": at least one is required');
    if (queries.length > maxQueries)
      return fail(400, `invalid parameter "query": at most ${maxQueries} per stream`);
    const intervalText = c.req.query('interval');
    let interval = defaultInterval;
    if (intervalText !== undefined) {
      const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(intervalText);
      if (m === null)
        return fail(400, `invalid parameter "interval": "${intervalText}" is not a duration like 5s`);
      interval = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
    }
    interval = Math.max(minInterval, interval);
    if (open >= maxStreams) return fail(503, `too many live streams open (limit ${maxStreams})`);
    open++;
    const signal = c.req.raw.signal;
    return streamSSE(c, async (stream) => {
      try {
        while (!signal.aborted && !stream.aborted) {
          const t = now();
          const results = await Promise.all(
            queries.map(async (q, i) => {
              try {
                const r = await deps.engine.instantQuery(q, t, { signal });
                return encodeValue(r.value);
              } catch (e) {
                await stream.writeSSE({
                  event: 'error',
                  data: JSON.stringify({ index: i, error: String((e as Error).message) }),
                });
                return null;
              }
            }),
          );
          await stream.writeSSE({ event: 'sample', data: JSON.stringify({ t: t / 1000, results }) });
          await stream.sleep(interval);
        }
      } finally {
        open--;
      }
    });
  });
}
