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

test('format_query splits a long expression over indented lines', async () => {
  const q =
    'sum by (instance) (rate(node_network_receive_bytes_total{device!="lo"}[5m]) + rate(node_network_transmit_bytes_total{device!="lo"}[5m]))';
  const res = await app().request(`/api/v1/format_query?query=${encodeURIComponent(q)}`);
  const want = [
    'sum by (instance) (',
    '    rate(node_network_receive_bytes_total{device!="lo"}[5m])',
    '  +',
    '    rate(node_network_transmit_bytes_total{device!="lo"}[5m])',
    ')',
  ].join('\n');
  assert.deepEqual(await res.json(), { status: 'success', data: want });
});

test('parse_query returns the syntax tree as Prometheus 3 shapes it', async () => {
  const q =
    'sum by (job) (rate(http_requests_total{code=~"5.."}[5m] offset 1m)) / on (job) group_left up @ 100';
  const res = await app().request(`/api/v1/parse_query?query=${encodeURIComponent(q)}`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { status: string; data: unknown };
  assert.equal(body.status, 'success');
  assert.deepEqual(body.data, {
    type: 'binaryExpr',
    op: '/',
    bool: false,
    matching: { card: 'many-to-one', labels: ['job'], on: true, include: [] },
    lhs: {
      type: 'aggregation',
      op: 'sum',
      grouping: ['job'],
      without: false,
      param: null,
      expr: {
        type: 'call',
        func: { name: 'rate', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
        args: [
          {
            type: 'matrixSelector',
            name: 'http_requests_total',
            range: 300_000,
            offset: 60_000,
            matchers: [
              { name: 'code', type: '=~', value: '5..' },
              { name: '__name__', type: '=', value: 'http_requests_total' },
            ],
            timestamp: null,
            startOrEnd: null,
          },
        ],
      },
    },
    rhs: {
      type: 'vectorSelector',
      name: 'up',
      offset: 0,
      matchers: [{ name: '__name__', type: '=', value: 'up' }],
      timestamp: 100_000,
      startOrEnd: null,
    },
  });
  const bad = await app().request('/api/v1/parse_query?query=sum(');
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: string }).error, /^invalid parameter "query": .*parse error/);
});
