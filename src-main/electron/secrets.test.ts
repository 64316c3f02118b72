import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLAIN_CODEC, safeStorageCodec, SecretStore, type SafeStorageLike } from './secrets';

/** fakeSafeStorage "encrypts" by XOR so the test can see the file holds no plaintext. */
const fakeSafeStorage = (available = true): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  encryptString: (s) => Buffer.from([...Buffer.from(s, 'utf8')].map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString('utf8'),
});

function tempDir(t: { after(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-secrets-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('desktop secrets are stored encrypted in an owner-only file and read back', (t) => {
  const file = join(tempDir(t), 'sub', 'secrets.json');
  const store = new SecretStore(file, safeStorageCodec(fakeSafeStorage()));
  store.set('telegram.token', '123456:ABC-secret-token');
  store.set('agent.key', 'k1');
  if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.doesNotMatch(readFileSync(file, 'utf8'), /ABC-secret-token/);
  const again = new SecretStore(file, safeStorageCodec(fakeSafeStorage()));
  assert.equal(again.get('telegram.token'), '123456:ABC-secret-token');
  assert.deepEqual(again.names(), ['agent.key', 'telegram.token']);
  again.delete('agent.key');
  assert.equal(new SecretStore(file, safeStorageCodec(fakeSafeStorage())).get('agent.key'), undefined);
});

test('headless secrets are plain but owner-only; a file others can read is refused', (t) => {
  const file = join(tempDir(t), 'secrets.json');
  new SecretStore(file, PLAIN_CODEC).set('telegram.token', 'tok');
  assert.equal(new SecretStore(file, PLAIN_CODEC).get('telegram.token'), 'tok');
  if (process.platform === 'win32') return;
  chmodSync(file, 0o644);
  assert.throws(() => new SecretStore(file, PLAIN_CODEC), /readable by others \(mode 644\); run chmod 600/);
});

test('a file written in the other mode, or not a secrets file, is refused clearly', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'secrets.json');
  new SecretStore(file, PLAIN_CODEC).set('a', 'b');
  assert.throws(() => new SecretStore(file, safeStorageCodec(fakeSafeStorage())), /written in plain/);
  const junk = join(dir, 'junk.json');
  writeFileSync(junk, '{"hello": 1}', { mode: 0o600 });
  assert.throws(() => new SecretStore(junk, PLAIN_CODEC), /junk\.json: not a Vigie secrets file/);
  writeFileSync(junk, '{', { mode: 0o600 });
  assert.throws(() => new SecretStore(junk, PLAIN_CODEC), /junk\.json: not a Vigie secrets file/);
});

test('safeStorage without OS encryption is refused', () => {
  assert.throws(() => safeStorageCodec(fakeSafeStorage(false)), /no encryption/);
});
