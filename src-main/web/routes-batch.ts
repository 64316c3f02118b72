// routes-batch.ts: many PromQL queries in one request. A browser opens at most six HTTP/1.1 connections
// to a host (plain http cannot use HTTP/2 there), so a 20-panel dashboard asking 40 range queries one
// request each spends most of its time queued behind those six. One POST carries them all and the answers
// stream back as newline-delimited JSON, each line as soon as its query is done, so the first charts draw
// while later queries still run.
import type { Hono } from 'hono';
import type { PromValue } from '../promql/api';
import { toApiError } from './respond';
import { encodeValue } from './format';
import { parseDurationText, parseTimeText } from './params';
import { checkRange } from './routes-query';
import { jsonBody, refuse } from './route-helpers';
import type { WebDeps } from './api';

/** BatchOptions bound the batch route; every limit is a setting with a default. */
export interface BatchOptions {
  /** maxQueries per request (default 200: every panel of a large dashboard, several queries each). */
  maxQueries?: number;
  /**
   * concurrency is how many of a request's queries are evaluated at once (default 1: the engine runs on
   * one thread, and measured on the host dashboard, 2 or 4 at once cost more CPU and finished no sooner;
   * one at a time also answers in the order asked, so the top panels draw first).
   */
  concurrency?: number;
}

/** BatchQuery is one validated query of a batch: a range query when `step` is set, else an instant one. */
export interface BatchQuery {
  query: string;
  /** time (instant) or start and end (range), in ms. */
  time?: number;
  start?: number;
  end?: number;
  step?: number;
}

/** BatchLine is one line of the answer: a query's index and its result or error, as /api/v1 words them. */
export type BatchLine =
  | { index: number; status: 'success'; data: unknown; warnings?: string[]; infos?: string[] }
  | { index: number; status: 'error'; errorType: string; error: string };

/** BatchInputError is a malformed batch body; its message names the field (`queries[3].step: …`). */
export class BatchInputError extends Error {}

/**
 * parseBatch validates a batch body `{"queries": [{"query", "time"?} | {"query", "start", "end", "step"}]}`.
 * Times are Unix seconds (number or text) or RFC3339 text, steps seconds or a duration like "5m"; a missing
 * instant time is `now`. It throws BatchInputError naming the first bad field.
 */
export function parseBatch(body: unknown, now: number, maxQueries: number): BatchQuery[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new BatchInputError('body: expected a JSON object {"queries": [...]}');
  const list = (body as { queries?: unknown }).queries;
  if (!Array.isArray(list) || list.length === 0)
    throw new BatchInputError('queries: expected a non-empty array of queries');
  if (list.length > maxQueries)
    throw new BatchInputError(`queries: ${list.length} queries, at most ${maxQueries} per request`);
  return list.map((item: unknown, i): BatchQuery => {
    const at = `queries[${i}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      throw new BatchInputError(`${at}: expected an object with "query"`);
    const q = item as Record<string, unknown>;
    if (typeof q.query !== 'string' || q.query === '')
      throw new BatchInputError(`${at}.query: expected a PromQL expression`);
    const field = (name: string, parse: (s: string) => number | undefined, what: string) => {
      const v = q[name];
      if (v === undefined) return undefined;
      const ms = typeof v === 'number' || typeof v === 'string' ? parse(String(v)) : undefined;
      if (ms === undefined)
        throw new BatchInputError(`${at}.${name}: cannot parse ${JSON.stringify(v)} to a valid ${what}`);
      return ms;
    };
    const step = field('step', parseDurationText, 'duration');
    if (step === undefined) {
      if (q.start !== undefined || q.end !== undefined)
        throw new BatchInputError(`${at}.step: required with start and end`);
      return { query: q.query, time: field('time', parseTimeText, 'timestamp') ?? now };
    }
    const start = field('start', parseTimeText, 'timestamp');
    const end = field('end', parseTimeText, 'timestamp');
    if (start === undefined || end === undefined)
      throw new BatchInputError(`${at}: a range query needs "start" and "end" with its "step"`);
    try {
      checkRange(start, end, step);
    } catch (e) {
      throw new BatchInputError(`${at}: ${(e as Error).message}`);
    }
    return { query: q.query, start, end, step };
  });
}

/**
 * addBatchRoutes serves POST /api/vigie/query_batch: the queries of the JSON body, evaluated a few at a
 * time, answered as `application/x-ndjson`, one BatchLine per query in the order they finish. A failing
 * query answers an error line and the others go on; a malformed body is refused whole (400).
 */
export function addBatchRoutes(app: Hono, deps: WebDeps, o: BatchOptions = {}): void {
  const maxQueries = o.maxQueries ?? 200;
  const concurrency = Math.max(1, o.concurrency ?? 1);
  const now = deps.now ?? Date.now;

  app.post('/api/vigie/query_batch', async (c) => {
    let queries: BatchQuery[];
    try {
      queries = parseBatch(await jsonBody(c), now(), maxQueries);
    } catch (e) {
      if (e instanceof BatchInputError) return refuse(400, e.message);
      throw e;
    }
    const signal = c.req.raw.signal;
    const timeoutMs = deps.config().query.timeout;
    const enc = new TextEncoder();
    const evaluate = async (q: BatchQuery, index: number): Promise<BatchLine> => {
      try {
        const opts = { timeoutMs, signal };
        const r =
          q.step === undefined
            ? await deps.engine.instantQuery(q.query, q.time!, opts)
            : await deps.engine.rangeQuery(q.query, q.start!, q.end!, q.step, opts);
        const line: BatchLine = { index, status: 'success', data: encodeValue(r.value as PromValue) };
        if (r.warnings.length > 0) line.warnings = r.warnings;
        if (r.infos.length > 0) line.infos = r.infos;
        return line;
      } catch (err) {
        const e = toApiError(err);
        return { index, status: 'error', errorType: e.type, error: e.message };
      }
    };
    let next = 0;
    // gone: the client went away (request aborted or the stream cancelled): stop taking queries.
    let gone = false;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const worker = async (): Promise<void> => {
          while (next < queries.length && !gone && !signal.aborted) {
            const i = next++;
            const line = await evaluate(queries[i]!, i);
            if (gone || signal.aborted) return;
            controller.enqueue(enc.encode(JSON.stringify(line) + '\n'));
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, queries.length) }, worker));
        if (!gone && !signal.aborted) controller.close();
      },
      cancel() {
        gone = true;
      },
    });
    return new Response(body, {
      headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' },
    });
  });
}
