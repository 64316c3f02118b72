import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { defaultConfig } from '../config/load';
import { QueryError, type Engine } from '../promql/api';
import { MemoryStorage } from '../storage/memory/memory-storage';
import { createWebApp } from './app';
import { startServer } from './server';

function tinyApp(): Hono {
  const app = new Hono();
  app.get('/-/healthy', (c) => c.text('ok'));
  app.post('/echo', async (c) => c.text(await c.req.text()));
  return app;
}

test('the server listens on loopback and answers over HTTP', async (t) => {
  const server = await startServer(tinyApp(), { host: '127.0.0.1', port: 0 });
  t.after(() => server.close());
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const r = await fetch(`${server.url}/-/healthy`);
  assert.equal(await r.text(), 'ok');
  const e = await fetch(`${server.url}/echo`, { method: 'POST', body: 'query=up' });
  assert.equal(await e.text(), 'query=up');
});

test('a port in use gives a clear error', async (t) => {
  const first = await startServer(tinyApp(), { host: '127.0.0.1', port: 0 });
  t.after(() => first.close());
  const port = Number(new URL(first.url).port);
  await assert.rejects(startServer(tinyApp(), { host: '127.0.0.1', port }), {
    message: `cannot listen on 127.0.0.1:${port}: the address is already in use (is Vigie already running?)`,
  });
});

test('close frees the port, even with a keep-alive connection open', async () => {
  const server = await startServer(tinyApp(), { host: '127.0.0.1', port: 0 });
  const port = Number(new URL(server.url).port);
  await (await fetch(`${server.url}/-/healthy`, { headers: { connection: 'keep-alive' } })).text();
  await server.close();
  const again = await startServer(tinyApp(), { host: '127.0.0.1', port });
  await again.close();
});

test('the full web app over HTTP: a form POST query, and a disconnect cancels the query', async (t) => {
  const storage = new MemoryStorage();
  const appender = storage.appender();
  appender.append(0, { __name__: 'up', job: 'x' }, 1000, 1);
  await appender.commit();
  let aborted: () => void = () => {};
  const abortSeen = new Promise<void>((resolve) => (aborted = resolve));
  let started: () => void = () => {};
  const engineStarted = new Promise<void>((resolve) => (started = resolve));
  const engine: Engine = {
    instantQuery: (expr, t, opts) =>
      new Promise((resolve, reject) => {
        if (expr !== 'hang')
          return resolve({ value: { type: 'scalar', t, v: Number(expr) }, warnings: [], infos: [] });
        started();
        opts?.signal?.addEventListener('abort', () => {
          aborted();
          reject(new QueryError('canceled', 'canceled'));
        });
      }),
    rangeQuery: () => Promise.reject(new QueryError('internal', 'unused')),
  };
  const app = createWebApp({
    querier: storage.querier(),
    engine,
    scrape: { targets: () => ({ active: [], dropped: [] }) },
    storageStats: () => storage.stats(),
    buildInfo: { version: '0', revision: '', branch: '', buildUser: '', buildDate: '', runtimeVersion: '' },
    config: defaultConfig,
  });
  const server = await startServer(app, { host: '127.0.0.1', port: 0 });
  t.after(() => server.close());

  const r = await fetch(`${server.url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'query=0.1&time=1.5',
  });
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.deepEqual(await r.json(), {
    status: 'success',
    data: { resultType: 'scalar', result: [1.5, '0.1'] },
  });
  const series = await fetch(`${server.url}/api/v1/series?match[]=up`);
  assert.deepEqual(await series.json(), { status: 'success', data: [{ __name__: 'up', job: 'x' }] });

  const ctl = new AbortController();
  const hung = fetch(`${server.url}/api/v1/query?query=hang`, { signal: ctl.signal }).catch(() => undefined);
  // Abort once the query reached the engine, then wait for the engine to see the disconnect.
  await engineStarted;
  ctl.abort();
  await hung;
  await abortSeen;
});
