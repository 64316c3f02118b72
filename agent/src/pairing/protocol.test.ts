import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  checkEnrollProof,
  enrollProof,
  fingerprint,
  generateKeypair,
  HEADER,
  loadOrCreateKeypair,
  NonceCache,
  publicKeyFromRaw,
  requestMessage,
  responseMessage,
  signedRequestHeaders,
  signMessage,
  verifyMessage,
} from './protocol';

test('fingerprint is SSH-style SHA256 of the raw key and fits a TXT record', () => {
  const kp = generateKeypair();
  assert.match(kp.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
  assert.equal(fingerprint(kp.publicRaw), kp.fingerprint);
  assert.notEqual(generateKeypair().fingerprint, kp.fingerprint);
  assert.equal(Buffer.from(kp.publicRaw, 'base64url').length, 32);
});

test('signatures verify with the raw public key and fail when anything signed changes', () => {
  const kp = generateKeypair();
  const req = { method: 'GET', path: '/metrics', agentId: 'a1', time: 1000, nonce: 'n1' };
  const sig = signMessage(kp.privateKey, requestMessage(req));
  const pub = publicKeyFromRaw(kp.publicRaw);
  assert.ok(verifyMessage(pub, requestMessage(req), sig));
  for (const change of [
    { path: '/x' },
    { agentId: 'a2' },
    { time: 1001 },
    { nonce: 'n2' },
    { method: 'POST' },
  ])
    assert.ok(!verifyMessage(pub, requestMessage({ ...req, ...change }), sig), JSON.stringify(change));
  assert.ok(!verifyMessage(publicKeyFromRaw(generateKeypair().publicRaw), requestMessage(req), sig));
  assert.ok(!verifyMessage(pub, requestMessage(req), 'not-a-signature'));
  const body = 'up 1\n';
  const rsig = signMessage(kp.privateKey, responseMessage('n1', 'a1', body));
  assert.ok(verifyMessage(pub, responseMessage('n1', 'a1', Buffer.from(body)), rsig));
  assert.ok(!verifyMessage(pub, responseMessage('n1', 'a1', 'up 0\n'), rsig));
  assert.throws(() => publicKeyFromRaw('AAAA'), /32 bytes/);
});

test('signedRequestHeaders carries key, time, nonce and a valid signature', () => {
  const kp = generateKeypair();
  const h = signedRequestHeaders(kp, { method: 'GET', path: '/metrics', agentId: 'x' }, 42);
  assert.equal(h[HEADER.key], kp.publicRaw);
  assert.equal(h[HEADER.time], '42');
  const msg = requestMessage({
    method: 'GET',
    path: '/metrics',
    agentId: 'x',
    time: 42,
    nonce: h[HEADER.nonce]!,
  });
  assert.ok(verifyMessage(kp.publicKey, msg, h[HEADER.signature]!));
});

test('loadOrCreateKeypair creates a 0600 key once, reloads it, and names a corrupt file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-key-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'sub', 'agent.key');
  const a = loadOrCreateKeypair(path);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(loadOrCreateKeypair(path).fingerprint, a.fingerprint);
  writeFileSync(path, 'garbage');
  assert.throws(() => loadOrCreateKeypair(path), new RegExp(`${path}: not an Ed25519 private key`));
});

test('NonceCache refuses a nonce seen within the window and stays bounded', () => {
  const c = new NonceCache(1000, 3);
  assert.ok(c.use('a', 0));
  assert.ok(!c.use('a', 10));
  assert.ok(c.use('b', 10));
  for (let i = 0; i < 10; i++) assert.ok(c.use(`n${i}`, 20));
  assert.ok(c.use('a', 5000), 'forgotten once far outside the window');
});

test('enrollment proofs bind token, nonce and key', () => {
  const p = enrollProof('a-long-enough-token', 'n', 'key');
  assert.ok(checkEnrollProof('a-long-enough-token', 'n', 'key', p));
  assert.ok(!checkEnrollProof('another-token-value', 'n', 'key', p));
  assert.ok(!checkEnrollProof('a-long-enough-token', 'm', 'key', p));
  assert.ok(!checkEnrollProof('a-long-enough-token', 'n', 'other', p));
  assert.ok(!checkEnrollProof('a-long-enough-token', 'n', 'key', ''));
});
