import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateKeypair, type Keypair } from '../../agent/src/pairing/protocol';
import { AgentRegistryError, type AgentAdvert } from './api';
import { AgentRegistry, type VerifiedIdentity } from './registry';
import { AGENTS_KIND } from './registry-store';
import { MemoryDocumentStore } from '../state/api';

const advert = (kp: Keypair, over: Partial<AgentAdvert> = {}): AgentAdvert => ({
  id: 'agent-1',
  fingerprint: kp.fingerprint,
  hostname: 'box',
  os: 'linux 6.1',
  version: '0.1.0',
  scheme: 'http',
  metricsPath: '/metrics',
  address: '10.0.0.2:9740',
  instance: 'box-agent-1',
  ...over,
});

/** registry builds one whose identity check answers with the key a map holds for the advert's address. */
function registry(keys: Map<string, { kp: Keypair; enrolled?: boolean }>) {
  let changes = 0;
  const r = new AgentRegistry({
    verify: async (a): Promise<VerifiedIdentity> => {
      const k = keys.get(a.address);
      if (k === undefined) throw new Error('connection refused');
      return { publicKey: k.kp.publicRaw, enrolled: k.enrolled ?? false };
    },
  });
  r.onChange(() => changes++);
  return { r, changes: () => changes };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a discovered agent is pending, verified, adopted by API; rejected agents stay rejected', async () => {
  const kp = generateKeypair();
  const { r, changes } = registry(new Map([['10.0.0.2:9740', { kp }]]));
  r.observe('k1', advert(kp));
  assert.equal(r.get('agent-1')!.state, 'pending');
  assert.throws(() => r.adopt('agent-1'), /has not proven it holds its key/);
  await settle();
  assert.equal(r.get('agent-1')!.publicKey, kp.publicRaw);
  assert.throws(
    () => r.adopt('agent-1', 'SHA256:other'),
    (e: unknown) => e instanceof AgentRegistryError && e.status === 409,
  );
  assert.equal(r.adopt('agent-1', kp.fingerprint).state, 'adopted');
  assert.equal(r.get('agent-1')!.adoptedBy, 'api');
  assert.deepEqual(r.scrapeIdentity('agent-1'), { id: 'agent-1', publicKey: kp.publicRaw, down: '' });
  assert.ok(changes() >= 3);
  assert.equal(r.reject('agent-1').state, 'rejected');
  assert.equal(r.scrapeIdentity('agent-1'), undefined);
  assert.throws(() => r.adopt('agent-1'), /rejected agents stay rejected/);
  assert.throws(
    () => r.adopt('nope'),
    (e: unknown) => e instanceof AgentRegistryError && e.status === 404,
  );
});

test('auto-adoption needs both the setting and the agent proving the enrollment token', async () => {
  const a = generateKeypair();
  const b = generateKeypair();
  const { r } = registry(
    new Map([
      ['10.0.0.2:9740', { kp: a, enrolled: true }],
      ['10.0.0.3:9740', { kp: b, enrolled: false }],
    ]),
  );
  r.setAutoAdopt(true);
  r.observe('ka', advert(a));
  r.observe('kb', advert(b, { id: 'agent-2', address: '10.0.0.3:9740' }));
  await settle();
  assert.equal(r.get('agent-1')!.state, 'adopted');
  assert.equal(r.get('agent-1')!.adoptedBy, 'enrollment-token');
  assert.equal(r.get('agent-2')!.state, 'pending');
});

test('a known id advertised with another key is flagged and never moves the agent', async () => {
  const real = generateKeypair();
  const fake = generateKeypair();
  const { r } = registry(
    new Map([
      ['10.0.0.2:9740', { kp: real }],
      ['10.0.0.9:9740', { kp: fake }],
    ]),
  );
  r.observe('real', advert(real));
  await settle();
  r.adopt('agent-1');
  r.observe('fake', advert(fake, { address: '10.0.0.9:9740' }));
  const rec = r.get('agent-1')!;
  assert.equal(rec.address, '10.0.0.2:9740');
  assert.deepEqual(
    rec.conflicts.map((c) => [c.fingerprint, c.address]),
    [[fake.fingerprint, '10.0.0.9:9740']],
  );
  r.observe('fake', advert(fake, { address: '10.0.0.9:9740' }));
  assert.equal(r.get('agent-1')!.conflicts.length, 1, 'the same conflict is recorded once');
  // An advert whose answer has another key than advertised is flagged too.
  const liar = generateKeypair();
  const { r: r2 } = registry(new Map([['10.0.0.2:9740', { kp: liar }]]));
  r2.observe('k', advert(real));
  await settle();
  assert.equal(r2.get('agent-1')!.publicKey, '');
  assert.equal(r2.get('agent-1')!.conflicts.length, 1);
});

test('IP change keeps the identity once the new address proves the key; goodbye and expiry mark it offline', async () => {
  const kp = generateKeypair();
  const keys = new Map([['10.0.0.2:9740', { kp }]]);
  const { r } = registry(keys);
  r.observe('old', advert(kp));
  await settle();
  r.adopt('agent-1');
  // A copied advert (same id and fingerprint) at a machine without the key does not move the agent.
  keys.set('10.0.0.9:9740', { kp: generateKeypair() });
  r.observe('copy', advert(kp, { address: '10.0.0.9:9740' }));
  await settle();
  assert.equal(r.get('agent-1')!.address, '10.0.0.2:9740');
  assert.equal(r.get('agent-1')!.conflicts[0]!.address, '10.0.0.9:9740');
  r.forget('copy', 'expired');
  keys.set('10.0.0.7:9740', { kp });
  r.observe('new', advert(kp, { address: '10.0.0.7:9740' }));
  assert.equal(r.get('agent-1')!.address, '10.0.0.2:9740', 'not before the proof');
  await settle();
  assert.equal(r.get('agent-1')!.address, '10.0.0.7:9740');
  assert.equal(r.scrapeIdentity('agent-1')!.down, '');
  r.forget('old', 'expired');
  assert.equal(r.get('agent-1')!.online, true, 'another advert is still live');
  r.forget('new', 'goodbye');
  const rec = r.get('agent-1')!;
  assert.equal(rec.online, false);
  assert.match(rec.why, /^agent said goodbye \(mDNS\) at \d{4}-/);
  assert.match(r.scrapeIdentity('agent-1')!.down, /goodbye/);
  r.observe('new', advert(kp, { address: '10.0.0.7:9740' }));
  assert.equal(r.get('agent-1')!.online, true);
  r.forget('new', 'expired');
  assert.match(r.get('agent-1')!.why, /record expired/);
});

test('the registry persists in the document store, offline until seen again; a broken record is named', async () => {
  const store = new MemoryDocumentStore();
  const kp = generateKeypair();
  const verify = async (): Promise<VerifiedIdentity> => ({ publicKey: kp.publicRaw, enrolled: false });
  const r = await AgentRegistry.open({ store, verify });
  r.observe('k', advert(kp));
  await settle();
  r.adopt('agent-1');
  await r.flush();
  const again = await AgentRegistry.open({ store, verify });
  const rec = again.get('agent-1')!;
  assert.equal(rec.state, 'adopted');
  assert.equal(rec.publicKey, kp.publicRaw);
  assert.equal(rec.online, false);
  assert.equal(rec.why, 'not seen since Vigie started');
  // A removed agent is gone from memory and the database; advertising again brings it back as pending.
  const changes = { n: 0 };
  again.onChange(() => changes.n++);
  again.remove('agent-1');
  assert.equal(again.get('agent-1'), undefined);
  assert.equal(changes.n, 1);
  await again.flush();
  assert.equal(await store.get(AGENTS_KIND, 'agent-1'), undefined);
  assert.throws(
    () => again.remove('agent-1'),
    (e: unknown) => e instanceof AgentRegistryError && e.status === 404,
  );
  again.observe('k', advert(kp));
  assert.equal(again.get('agent-1')!.state, 'pending');
  await store.put(AGENTS_KIND, 'x', { id: 'x', state: 'maybe' });
  await assert.rejects(
    AgentRegistry.open({ store, verify }),
    /agent registry \(database\): x\.hostname must be a string/,
  );
});

test('agents.json of an earlier version is imported once, then renamed; a broken one is refused as is', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-registry-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const legacyFile = join(dir, 'agents.json');
  const kp = generateKeypair();
  const verify = async (): Promise<VerifiedIdentity> => ({ publicKey: kp.publicRaw, enrolled: false });
  const old = {
    ...advert(kp),
    state: 'rejected',
    publicKey: kp.publicRaw,
    online: true,
    why: '',
    firstSeen: 1,
    lastSeen: 2,
  };
  writeFileSync(legacyFile, JSON.stringify({ version: 1, agents: [old] }));
  const store = new MemoryDocumentStore();
  const r = await AgentRegistry.open({ store, verify, legacyFile });
  assert.equal(r.get('agent-1')!.state, 'rejected', 'a rejection survives the move');
  assert.equal(readFileSync(`${legacyFile}.migrated`, 'utf8'), JSON.stringify({ version: 1, agents: [old] }));
  assert.ok(!existsSync(legacyFile));
  // Once moved, the database is the truth: a later change is not undone by the old file.
  await store.delete(AGENTS_KIND, 'agent-1');
  assert.equal((await AgentRegistry.open({ store, verify, legacyFile })).list().length, 0);

  writeFileSync(legacyFile, JSON.stringify({ version: 1, agents: [{ id: 'x', state: 'maybe' }] }));
  await assert.rejects(
    AgentRegistry.open({ store, verify, legacyFile }),
    /agents\.json: agents\[0\]\.hostname must be a string/,
  );
  writeFileSync(legacyFile, '{');
  await assert.rejects(AgentRegistry.open({ store, verify, legacyFile }), /agents\.json: not valid JSON/);
  assert.equal(readFileSync(legacyFile, 'utf8'), '{');
  assert.deepEqual(await store.list(AGENTS_KIND), [], 'nothing imported from a broken file');
});
