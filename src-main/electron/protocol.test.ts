import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { createAppProtocolHandler, toInternalRequest } from './protocol';

/** echoApp is a small web app that reports what reached it. */
function echoApp(): Hono {
  const app = new Hono();
  app.all('/api/echo', async (c) =>
    c.json({
      method: c.req.method,
      path: c.req.path,
      q: c.req.query('q'),
      type: c.req.header('content-type') ?? null,
      body: c.req.method === 'POST' ? await c.req.text() : null,
    }),
  );
  app.get('/', (c) => c.html('<!doctype html><title>Vigie</title>'));
  return app;
}

test('app:// requests reach the web app in-process with path, query, method and body', async () => {
  const handle = createAppProtocolHandler((r) => echoApp().fetch(r));
  const get = await handle(new Request('app://vigie/api/echo?q=up%7Bjob%3D%22node%22%7D'));
  assert.equal(get.status, 200);
  assert.deepEqual(await get.json(), {
    method: 'GET',
    path: '/api/echo',
    q: 'up{job="node"}',
    type: null,
    body: null,
  });
  const post = await handle(
    new Request('app://vigie/api/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=up',
    }),
  );
  assert.deepEqual(await post.json(), {
    method: 'POST',
    path: '/api/echo',
    type: 'application/x-www-form-urlencoded',
    body: 'query=up',
  });
});

test('every app:// response carries the CSP and hardening headers', async () => {
  const handle = createAppProtocolHandler((r) => echoApp().fetch(r));
  const res = await handle(new Request('app://vigie/'));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /text\/html/);
  assert.match(res.headers.get('content-security-policy')!, /script-src 'self'(;|$)/);
  assert.match(res.headers.get('content-security-policy')!, /object-src 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(await res.text(), /<title>Vigie<\/title>/);
});

test('another host is never served, and a failing route is a 500 naming the path', async () => {
  const logged: string[] = [];
  const handle = createAppProtocolHandler(
    (r) => echoApp().fetch(r),
    (m) => logged.push(m),
  );
  const other = await handle(new Request('app://elsewhere/api/echo'));
  assert.equal(other.status, 404);
  const missing = await handle(new Request('app://vigie/x'));
  assert.equal(missing.status, 404); // the app's own not-found, passed through
  const failing = createAppProtocolHandler(
    () => {
      throw new Error('storage closed');
    },
    (m) => logged.push(m),
  );
  const res = await failing(new Request('app://vigie/api/v1/query?query=up'));
  assert.equal(res.status, 500);
  assert.match(await res.text(), /\/api\/v1\/query/);
  assert.ok(logged.some((m) => m.includes('storage closed')));
});

test('toInternalRequest refuses other schemes', () => {
  assert.equal(toInternalRequest(new Request('https://vigie/x')), undefined);
  assert.equal(new URL(toInternalRequest(new Request('app://vigie/a/b?c=d'))!.url).pathname, '/a/b');
});
