import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { createProbeManager } from '../probe/manager';
import { MemoryStorage } from '../storage/memory/memory-storage';
import { startProbeServers } from '../../test/support/probe-servers';
import type { ProbeResult, ProbeStatus } from '../probe/api';
import { addProbeRoutes } from './routes-probes';

interface Envelope {
  status: string;
  errorType?: string;
  error?: string;
  data?: unknown;
}

const servers = await startProbeServers('127.0.0.1');
const probes = await createProbeManager({
  appender: () => new MemoryStorage().appender(),
  log: () => undefined,
});
after(async () => {
  await probes.stop();
  await servers.close();
});
const app = new Hono();
addProbeRoutes(app, probes);
const target = `http://127.0.0.1:${servers.httpPort}/ok`;

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Envelope }> {
  const r = await app.fetch(
    new Request(`http://vigie.test${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    }),
  );
  return { status: r.status, json: (await r.json()) as Envelope };
}

test('PUT, GET, POST test and DELETE of /api/vigie/probes follow the contract', async () => {
  const put = await call('PUT', '/api/vigie/probes/web', {
    name: 'Web',
    type: 'http',
    target,
    interval: '1m',
  });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  assert.deepEqual(put.json, {
    status: 'success',
    data: { id: 'web', name: 'Web', type: 'http', target, interval: '1m', source: 'ui' },
  });

  const list = await call('GET', '/api/vigie/probes');
  assert.equal((list.json.data as ProbeStatus[])[0]!.check.id, 'web');

  // A draft being written may have no id or name yet.
  const tested = await call('POST', '/api/vigie/probes/test', { type: 'http', target });
  assert.equal(tested.status, 200);
  const result = tested.json.data as ProbeResult;
  assert.equal(result.success, true);
  assert.equal(result.httpStatus, 200);
  assert.ok(result.metrics.some((m) => m.name === 'probe_success'));
  assert.equal(
    ((await call('GET', '/api/vigie/probes')).json.data as unknown[]).length,
    1,
    'test stores nothing',
  );

  assert.deepEqual((await call('DELETE', '/api/vigie/probes/web')).json, { status: 'success', data: null });
  assert.equal((await call('DELETE', '/api/vigie/probes/web')).status, 404);
});

test('bad input answers 400 bad_data naming the field; config checks 409; cross-origin writes 403', async () => {
  const bad = await call('PUT', '/api/vigie/probes/x', {
    name: 'x',
    type: 'dns',
    target: 'web.lab',
    dns: { recordType: 'PTR' },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.errorType, 'bad_data');
  assert.match(bad.json.error ?? '', /^dns.recordType: /);
  const notJson = await call('PUT', '/api/vigie/probes/x', '{');
  assert.equal(notJson.status, 400);
  assert.match(notJson.json.error ?? '', /not JSON/);
  assert.equal(
    (await call('PUT', '/api/vigie/probes/BAD', { name: 'x', type: 'icmp', target: 'h' })).status,
    400,
  );
  await probes.applyConfig([
    { job: 'bb', check: { id: 'cfg', name: 'cfg', type: 'icmp', target: '127.0.0.1', interval: '1m' } },
  ]);
  const conflict = await call('DELETE', '/api/vigie/probes/cfg');
  assert.equal(conflict.status, 409);
  assert.match(conflict.json.error ?? '', /config file/);
  const cross = await call(
    'PUT',
    '/api/vigie/probes/y',
    { name: 'y', type: 'icmp', target: 'h' },
    { origin: 'http://evil.test' },
  );
  assert.equal(cross.status, 403);
});
