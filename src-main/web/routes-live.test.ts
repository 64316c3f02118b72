import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import type { Engine } from '../promql/api';
import type { WebDeps } from './api';
import { addLiveRoutes } from './routes-live';

/** counting is an engine whose answer is the number of evaluations so far, so each event is distinct. */
function setup() {
  let calls = 0;
  const engine = {
    instantQuery: async (expr: string, t: number) => {
      if (expr === 'bad(') throw new Error('parse error at char 4');
      calls++;
      return {
        value: { type: 'vector', samples: [{ labels: { __name__: 'x' }, t, v: calls }] },
        warnings: [],
        infos: [],
      };
    },
  } as unknown as Engine;
  const app = new Hono();
  addLiveRoutes(app, { engine, now: () => 1_700_000_000_000 } as unknown as WebDeps, {
    maxStreams: 1,
    minIntervalMs: 10,
  });
  return app;
}

/** readEvents reads n server-sent events from a response, then cancels it. */
async function readEvents(res: Response, n: number): Promise<{ event: string; data: unknown }[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const out: { event: string; data: unknown }[] = [];
  while (out.length < n) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    let i;
    while ((i = text.indexOf('\n\n')) >= 0 && out.length < n) {
      const block = text.slice(0, i);
      text = text.slice(i + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
      out.push({ event, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return out;
}

test('the live stream sends one sample event per interval with every query evaluated', async () => {
  const app = setup();
  const ac = new AbortController();
  const res = await app.request('/api/vigie/live?query=x&interval=10ms', { signal: ac.signal });
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const events = await readEvents(res, 2);
  ac.abort();
  assert.deepEqual(
    events.map((e) => e.event),
    ['sample', 'sample'],
  );
  const first = events[0]!.data as {
    t: number;
    results: { resultType: string; result: { value: [number, string] }[] }[];
  };
  assert.equal(first.t, 1_700_000_000);
  assert.equal(first.results[0]!.resultType, 'vector');
  assert.deepEqual(first.results[0]!.result[0]!.value, [1_700_000_000, '1']);
});

test('the live stream reports a failing query and refuses bad parameters', async () => {
  const app = setup();
  assert.equal((await app.request('/api/vigie/live')).status, 400);
  const bad = await app.request('/api/vigie/live?query=x&interval=soon');
  assert.match(((await bad.json()) as { error: string }).error, /"interval": "soon" is not a duration/);
  const ac = new AbortController();
  const res = await app.request('/api/vigie/live?query=bad(&interval=10ms', { signal: ac.signal });
  const events = await readEvents(res, 2);
  ac.abort();
  assert.equal(events[0]!.event, 'error');
  assert.deepEqual(events[0]!.data, { index: 0, error: 'parse error at char 4' });
  assert.deepEqual((events[1]!.data as { results: unknown[] }).results, [null]);
});
