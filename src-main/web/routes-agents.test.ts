import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { generateKeypair } from '../../agent/src/pairing/protocol';
import { AgentRegistry } from '../pairing/registry';
import { addAgentRoutes } from './routes-agents';

async function setup() {
  const kp = generateKeypair();
  const registry = new AgentRegistry({ verify: async () => ({ publicKey: kp.publicRaw, enrolled: false }) });
  const advert = {
    fingerprint: kp.fingerprint,
    hostname: 'box',
    os: 'linux 6.1',
    version: '0.1.0',
    scheme: 'http' as const,
    metricsPath: '/metrics',
    instance: 'box-x',
  };
  registry.observe('k1', { ...advert, id: 'a1', address: '10.0.0.2:9740' });
  await new Promise((r) => setImmediate(r));
  registry.observe('k2', {
    ...advert,
    id: 'a2',
    address: '10.0.0.3:9740',
    fingerprint: generateKeypair().fingerprint,
  });
  const app = new Hono();
  addAgentRoutes(app, registry);
  const call = async (path: string, init?: RequestInit) => {
    const res = await app.request(path, init);
    return {
      status: res.status,
      body: (await res.json()) as { status: string; data: unknown; error?: string },
    };
  };
  return { call, kp };
}

test('GET /api/vigie/agents lists every agent with hostname, OS, address and fingerprint', async () => {
  const { call, kp } = await setup();
  const r = await call('/api/vigie/agents');
  assert.equal(r.status, 200);
  const list = r.body.data as Record<string, unknown>[];
  assert.deepEqual(
    list.map((a) => [a.id, a.state, a.hostname, a.os, a.address, a.keyVerified]),
    [
      ['a1', 'pending', 'box', 'linux 6.1', '10.0.0.2:9740', true],
      ['a2', 'pending', 'box', 'linux 6.1', '10.0.0.3:9740', false],
    ],
  );
  assert.equal(list[0]!.fingerprint, kp.fingerprint);
  assert.equal(((await call('/api/vigie/agents?state=adopted')).body.data as unknown[]).length, 0);
  assert.equal((await call('/api/vigie/agents?state=bogus')).status, 400);
  assert.equal((await call('/api/vigie/agents/zz')).status, 404);
});

test('adopt and reject are POST calls with clear refusals', async () => {
  const { call, kp } = await setup();
  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(path, {
      method: 'POST',
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    });
  const wrong = await post('/api/vigie/agents/a1/adopt', { fingerprint: 'SHA256:nope' });
  assert.equal(wrong.status, 409);
  assert.match(wrong.body.error!, /presents fingerprint/);
  const unverified = await post('/api/vigie/agents/a2/adopt');
  assert.equal(unverified.status, 409);
  assert.match(unverified.body.error!, /has not proven it holds its key/);
  const cross = await post('/api/vigie/agents/a1/adopt', undefined, { origin: 'http://evil.example' });
  assert.equal(cross.status, 403);
  const ok = await post('/api/vigie/agents/a1/adopt', { fingerprint: kp.fingerprint });
  assert.equal(ok.status, 200);
  assert.equal((ok.body.data as { state: string }).state, 'adopted');
  assert.equal((await post('/api/vigie/agents/a2/reject')).status, 200);
  const again = await post('/api/vigie/agents/a2/adopt');
  assert.equal(again.status, 409);
  assert.match(again.body.error!, /rejected agents stay rejected/);
  assert.equal((await post('/api/vigie/agents/zz/reject')).status, 404);
  assert.equal(((await call('/api/vigie/agents/a1')).body.data as { state: string }).state, 'adopted');
  // DELETE forgets an agent (a retired machine), refused cross-site, 404 once gone.
  assert.equal(
    (await call('/api/vigie/agents/a2', { method: 'DELETE', headers: { origin: 'http://evil.example' } }))
      .status,
    403,
  );
  assert.equal((await call('/api/vigie/agents/a2', { method: 'DELETE' })).status, 200);
  assert.equal((await call('/api/vigie/agents/a2')).status, 404);
  assert.equal((await call('/api/vigie/agents/a2', { method: 'DELETE' })).status, 404);
});
