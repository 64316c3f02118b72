import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { defaultConfig } from '../config/load';
import { QueryError, type Engine } from '../promql/api';
import type { WebDeps } from './api';
import { addBatchRoutes, BatchInputError, parseBatch, type BatchLine } from './routes-batch';

const NOW = 1_700_000_000_000;

/**
 * setup serves the batch route over an engine that answers a query `n` with the value n (as a vector, or a
 * matrix with one point per step), fails `boom`, and records what it was asked in order.
 */
function setup(o: { maxQueries?: number; concurrency?: number; gate?: Promise<void> } = {}) {
  const asked: string[] = [];
  const engine = {
    instantQuery: async (expr: string, t: number) => {
      asked.push(`i ${expr} ${t}`);
      if (expr === 'gate') await o.gate; // held until the test lets it go
      if (expr === 'boom')
        throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
      return {
        value: { type: 'vector', samples: [{ labels: { __name__: 'x' }, t, v: Number(expr) }] },
        warnings: [],
        infos: [],
      };
    },
    rangeQuery: async (expr: string, start: number, end: number, step: number) => {
      asked.push(`r ${expr} ${start} ${end} ${step}`);
      const t: number[] = [];
      for (let x = start; x <= end; x += step) t.push(x);
      return {
        value: { type: 'matrix', series: [{ labels: { q: expr }, t, v: t.map(() => Number(expr)) }] },
        warnings: ['w'],
        infos: [],
      };
    },
  } as unknown as Engine;
  const app = new Hono();
  addBatchRoutes(app, { engine, now: () => NOW, config: defaultConfig } as unknown as WebDeps, o);
  return { app, asked };
}

async function post(app: Hono, body: unknown): Promise<Response> {
  return app.request('/api/vigie/query_batch', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function lines(res: Response): Promise<BatchLine[]> {
  const text = await res.text();
  assert.ok(text.endsWith('\n'), 'every line ends with a newline');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as BatchLine);
}

test('a batch answers every query, range and instant, one NDJSON line each, in the order asked', async () => {
  const { app, asked } = setup();
  const res = await post(app, {
    queries: [
      { query: '1', start: 1_700_000_000, end: 1_700_000_120, step: 60 },
      { query: '2', time: '2023-11-14T22:13:20Z' },
      { query: '3' },
      { query: '4', start: '1700000000', end: '1700000060', step: '1m' },
    ],
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
  const out = await lines(res);
  assert.deepEqual(
    out.map((l) => l.index),
    [0, 1, 2, 3],
  );
  assert.deepEqual(out[0], {
    index: 0,
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        {
          metric: { q: '1' },
          values: [
            [1_700_000_000, '1'],
            [1_700_000_060, '1'],
            [1_700_000_120, '1'],
          ],
        },
      ],
    },
    warnings: ['w'],
  });
  assert.deepEqual(out[1]!.status === 'success' && out[1].data, {
    resultType: 'vector',
    result: [{ metric: { __name__: 'x' }, value: [1_700_000_000, '2'] }],
  });
  assert.deepEqual(asked, [
    'r 1 1700000000000 1700000120000 60000',
    'i 2 1700000000000',
    `i 3 ${NOW}`, // an instant query without a time is "now"
    'r 4 1700000000000 1700000060000 60000',
  ]);
});

test('a failing query answers an error line and the rest of the batch goes on', async () => {
  const { app } = setup({ concurrency: 2 });
  const out = await lines(await post(app, { queries: [{ query: 'boom' }, { query: '7' }] }));
  const byIndex = new Map(out.map((l) => [l.index, l]));
  assert.deepEqual(byIndex.get(0), {
    index: 0,
    status: 'error',
    errorType: 'execution',
    error: 'vector cannot contain metrics with the same labelset',
  });
  assert.equal(byIndex.get(1)!.status, 'success');
});

test('a malformed batch is refused whole with 400, naming the field', async () => {
  const { app, asked } = setup({ maxQueries: 2 });
  const cases: [unknown, RegExp][] = [
    ['not json', /body: expected a JSON object/],
    [{ queries: [] }, /queries: expected a non-empty array/],
    [{ queries: [{ query: '1' }, { query: '2' }, { query: '3' }] }, /at most 2 per request/],
    [{ queries: [{ query: '1' }, { expr: '2' }] }, /queries\[1\]\.query: expected a PromQL expression/],
    [
      { queries: [{ query: '1', start: 1, end: 2, step: 'soon' }] },
      /queries\[0\]\.step: cannot parse "soon"/,
    ],
    [{ queries: [{ query: '1', start: 1, end: 2 }] }, /queries\[0\]\.step: required with start and end/],
    [{ queries: [{ query: '1', start: 1, step: 1 }] }, /queries\[0\]: a range query needs "start" and "end"/],
    [
      { queries: [{ query: '1', start: 10, end: 2, step: 1 }] },
      /queries\[0\]: .*end timestamp must not be before/,
    ],
    [
      { queries: [{ query: '1', start: 0, end: 86400, step: 1 }] },
      /queries\[0\]: exceeded maximum resolution/,
    ],
    [{ queries: [{ query: '1', time: true }] }, /queries\[0\]\.time: cannot parse true to a valid timestamp/],
  ];
  for (const [body, error] of cases) {
    const res = await post(app, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    const b = (await res.json()) as { status: string; errorType: string; error: string };
    assert.equal(b.status, 'error');
    assert.equal(b.errorType, 'bad_data');
    assert.match(b.error, error);
  }
  assert.deepEqual(asked, [], 'nothing was evaluated');
});

test('parseBatch reads times as Unix seconds or RFC3339 and steps as seconds or durations', () => {
  assert.deepEqual(
    parseBatch({ queries: [{ query: 'up', start: 1.5, end: '1970-01-01T00:00:10Z', step: '2s' }] }, 0, 10),
    [{ query: 'up', start: 1500, end: 10_000, step: 2000 }],
  );
  assert.throws(() => parseBatch([], 0, 10), BatchInputError);
});

test('a client that goes away stops the batch: the queries not yet started are never evaluated', async () => {
  let open!: () => void;
  const { app, asked } = setup({ gate: new Promise<void>((r) => (open = r)) });
  const res = await post(app, {
    queries: [{ query: '1' }, { query: 'gate' }, { query: '3' }, { query: '4' }],
  });
  const reader = res.body!.getReader();
  assert.match(new TextDecoder().decode((await reader.read()).value), /"index":0/);
  await reader.cancel(); // the client leaves while 'gate' runs
  open();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(
    asked.map((a) => a.split(' ')[1]),
    ['1', 'gate'],
    'queries 3 and 4 were never evaluated',
  );
});
