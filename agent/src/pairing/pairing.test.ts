import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { AgentPairing } from './pairing';
import {
  enrollProof,
  generateKeypair,
  HEADER,
  publicKeyFromRaw,
  responseMessage,
  signedRequestHeaders,
  verifyMessage,
  type Keypair,
} from './protocol';

function stateDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-pairing-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const signed = (kp: Keypair, agentId: string, now = Date.now()): Record<string, string> =>
  signedRequestHeaders(kp, { method: 'GET', path: '/metrics', agentId }, now);

test('an unpaired agent refuses unsigned requests, pins the first signed app and then refuses others', (t) => {
  const dir = stateDir(t);
  const agent = new AgentPairing({ stateDir: dir, version: '1' });
  assert.deepEqual(agent.authorize('GET', '/metrics', {}), { ok: false, reason: 'agent is not paired yet' });
  const app = generateKeypair();
  const ok = agent.authorize('GET', '/metrics', signed(app, agent.id));
  assert.equal(ok.ok, true);
  assert.ok(ok.ok && ok.pinned);
  assert.ok(agent.paired);
  const again = agent.authorize('GET', '/metrics', signed(app, agent.id));
  assert.ok(again.ok && !again.pinned);
  const other = agent.authorize('GET', '/metrics', signed(generateKeypair(), agent.id));
  assert.deepEqual(other, { ok: false, reason: 'agent is paired with another app' });
  assert.deepEqual(agent.authorize('GET', '/metrics', {}), { ok: false, reason: 'request is not signed' });
  // State survives a restart: same id, same key, same pinned app; files are 0600.
  const reopened = new AgentPairing({ stateDir: dir, version: '1' });
  assert.equal(reopened.id, agent.id);
  assert.equal(reopened.keypair.fingerprint, agent.keypair.fingerprint);
  assert.ok(reopened.paired);
  assert.equal(statSync(join(dir, 'agent.json')).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'agent.key')).mode & 0o777, 0o600);
  reopened.unpair();
  assert.ok(!new AgentPairing({ stateDir: dir, version: '1' }).paired);
});

test('replays, stale times, wrong paths, other agents and bad signatures are refused', (t) => {
  let now = 1_000_000;
  const agent = new AgentPairing({ stateDir: stateDir(t), version: '1', now: () => now });
  const app = generateKeypair();
  const h = signed(app, agent.id, now);
  assert.ok(agent.authorize('GET', '/metrics', h).ok);
  assert.deepEqual(agent.authorize('GET', '/metrics', h), { ok: false, reason: 'replayed nonce' });
  assert.match(
    String(
      (agent.authorize('GET', '/metrics', signed(app, agent.id, now - 31_000)) as { reason: string }).reason,
    ),
    /replay window/,
  );
  assert.deepEqual(agent.authorize('GET', '/metrics?x=1', signed(app, agent.id, now)), {
    ok: false,
    reason: 'bad request signature',
  });
  assert.deepEqual(agent.authorize('GET', '/metrics', signed(app, 'another-agent', now)), {
    ok: false,
    reason: 'bad request signature',
  });
  const forged = {
    ...signed(app, agent.id, now),
    [HEADER.signature]: signed(app, agent.id, now)[HEADER.signature]!,
  };
  assert.deepEqual(agent.authorize('GET', '/metrics', forged), {
    ok: false,
    reason: 'bad request signature',
  });
  now += 10;
  assert.ok(agent.authorize('GET', '/metrics', signed(app, agent.id, now)).ok);
});

test('with an enrollment token, the agent proves it and pins only an app that proves it too', (t) => {
  const token = 'sixteen-chars-token!';
  const agent = new AgentPairing({ stateDir: stateDir(t), version: '1', enrollToken: token });
  const { body, headers } = agent.identityAnswer('nonce-1');
  const id = JSON.parse(body) as { id: string; publicKey: string; paired: boolean };
  assert.equal(id.id, agent.id);
  assert.equal(id.paired, false);
  assert.ok(
    verifyMessage(
      publicKeyFromRaw(id.publicKey),
      responseMessage('nonce-1', agent.id, body),
      headers[HEADER.agentSignature]!,
    ),
  );
  assert.equal(headers[HEADER.enroll], enrollProof(token, 'nonce-1', id.publicKey));
  const app = generateKeypair();
  assert.deepEqual(agent.authorize('GET', '/metrics', signed(app, agent.id)), {
    ok: false,
    reason: 'pairing needs the enrollment token',
  });
  assert.ok(!agent.paired);
  const h = signed(app, agent.id);
  h[HEADER.enroll] = enrollProof(token, h[HEADER.nonce]!, app.publicRaw);
  assert.ok(agent.authorize('GET', '/metrics', h).ok);
  assert.ok(agent.paired);
});

test('a corrupt state file is an error naming it, never silently reset', (t) => {
  const dir = stateDir(t);
  writeFileSync(join(dir, 'agent.json'), '{"id": 3}');
  assert.throws(
    () => new AgentPairing({ stateDir: dir, version: '1' }),
    /agent\.json: invalid agent state: field "id"/,
  );
  assert.equal(readFileSync(join(dir, 'agent.json'), 'utf8'), '{"id": 3}');
});
