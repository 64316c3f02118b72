import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { MetricSet } from './metrics';
import { startAgentServer } from './server';

const fixedCollectors = [
  {
    name: 'fixed',
    async collect(out: MetricSet) {
      out.counter('demo_events_total', 'Demo events.', 5, { kind: 'a"b' });
    },
  },
];

test('server: /metrics in text or OpenMetrics by Accept, gzip by Accept-Encoding, / page, 404', async (t) => {
  const agent = await startAgentServer({ host: '127.0.0.1', port: 0, collectors: fixedCollectors });
  t.after(() => agent.close());
  const text = await fetch(agent.url + 'metrics', { headers: { 'accept-encoding': 'identity' } });
  assert.equal(text.status, 200);
  assert.equal(text.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const body = await text.text();
  assert.match(body, /^demo_events_total\{kind="a\\"b"\} 5$/m);
  assert.match(body, /^node_scrape_collector_success\{collector="fixed"\} 1$/m);
  assert.match(body, /^process_cpu_seconds_total /m);

  const om = await fetch(agent.url + 'metrics', {
    headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' },
  });
  assert.equal(om.headers.get('content-type'), 'application/openmetrics-text; version=1.0.0; charset=utf-8');
  const omBody = await om.text();
  assert.match(omBody, /^# TYPE demo_events counter$/m);
  assert.ok(omBody.endsWith('# EOF\n'));

  // fetch() would transparently gunzip; ask with node:http semantics via a raw request instead.
  const { request } = await import('node:http');
  const gz = await new Promise<{ enc: string | undefined; data: Buffer }>((resolve, reject) => {
    request(agent.url + 'metrics', { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ enc: res.headers['content-encoding'], data: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
  assert.equal(gz.enc, 'gzip');
  assert.match(gunzipSync(gz.data).toString('utf8'), /^demo_events_total/m);

  const index = await fetch(agent.url);
  assert.match(await index.text(), /href="metrics"/);
  assert.equal((await fetch(agent.url + 'nope')).status, 404);
  assert.equal((await fetch(agent.url + 'metrics', { method: 'POST' })).status, 405);
});

test('server: a port in use is a clear error', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const port = (blocker.address() as AddressInfo).port;
  await assert.rejects(
    startAgentServer({ host: '127.0.0.1', port, collectors: fixedCollectors }),
    new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`),
  );
});

test('server: scrapes beyond maxRequests get 503 while one is in flight', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const agent = await startAgentServer({
    host: '127.0.0.1',
    port: 0,
    maxRequests: 1,
    collectors: [
      {
        name: 'slow',
        async collect() {
          entered();
          await gate;
        },
      },
    ],
  });
  t.after(() => agent.close());
  const first = fetch(agent.url + 'metrics');
  await inside;
  const second = await fetch(agent.url + 'metrics');
  assert.equal(second.status, 503);
  assert.match(await second.text(), /too many concurrent scrapes \(limit 1\)/);
  release();
  assert.equal((await first).status, 200);
});
