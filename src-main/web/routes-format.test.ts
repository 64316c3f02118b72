import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { addFormatRoutes } from './routes-format';

function app(): Hono {
  const a = new Hono();
  addFormatRoutes(a);
  return a;
}

test('format_query prints the canonical form, over GET and POST', async () => {
  const q = 'sum by(job)(rate(http_requests_total{code=~"5.."}[5m]))   /  2';
  const get = await app().request(`/api/v1/format_query?query=${encodeURIComponent(q)}`);
  assert.equal(get.status, 200);
  const want = 'sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / 2';
  assert.deepEqual(await get.json(), { status: 'success', data: want });
  const post = await app().request('/api/v1/format_query', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: 'foo offset 1h' }).toString(),
  });
  assert.deepEqual(await post.json(), { status: 'success', data: 'foo offset 1h' });
});

test('format_query answers a bad query with bad_data naming the parameter', async () => {
  const res = await app().request('/api/v1/format_query?query=sum(');
  assert.equal(res.status, 400);
  const body = (await res.json()) as { status: string; errorType: string; error: string };
  assert.equal(body.status, 'error');
  assert.equal(body.errorType, 'bad_data');
  assert.match(body.error, /^invalid parameter "query": .*parse error/);
});
