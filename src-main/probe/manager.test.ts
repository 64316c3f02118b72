import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { isStaleNaN } from '../common/sample';
import type { DocumentStore, StoredDocument } from '../state/api';
import { MemoryStorage } from '../storage/memory/memory-storage';
import { startProbeServers } from '../../test/support/probe-servers';
import { waitFor } from '../../test/support/process';
import { ProbeCheckError, ProbeConflictError, type ProbeCheck } from './api';
import { createProbeManager, STORE_KIND, type ProbeManagerImpl } from './manager';

/** MapStore is an in-memory DocumentStore. */
class MapStore implements DocumentStore {
  readonly docs = new Map<string, StoredDocument>();
  async list(kind: string): Promise<StoredDocument[]> {
    return [...this.docs].filter(([k]) => k.startsWith(`${kind}/`)).map(([, d]) => d);
  }
  async get(kind: string, id: string): Promise<StoredDocument | undefined> {
    return this.docs.get(`${kind}/${id}`);
  }
  async put(kind: string, id: string, doc: unknown): Promise<StoredDocument> {
    const d = { id, updated: Date.now(), doc: structuredClone(doc) };
    this.docs.set(`${kind}/${id}`, d);
    return d;
  }
  async delete(kind: string, id: string): Promise<boolean> {
    return this.docs.delete(`${kind}/${id}`);
  }
}

const servers = await startProbeServers('127.0.0.1');
after(() => servers.close());
const url = (path: string): string => `http://127.0.0.1:${servers.httpPort}${path}`;

function manager(
  storage: MemoryStorage,
  store?: DocumentStore,
  maxConcurrency = 8,
): Promise<ProbeManagerImpl> {
  return createProbeManager({
    appender: () => storage.appender(),
    store,
    maxConcurrency,
    log: () => undefined,
  });
}

async function values(
  storage: MemoryStorage,
  name: string,
  check: string,
): Promise<{ labels: Record<string, string>; v: number[] }[]> {
  const series = await storage.querier().select(
    [
      { name: '__name__', type: '=', value: name },
      { name: 'check', type: '=', value: check },
    ],
    0,
    Date.now() + 60_000,
  );
  return series.map((s) => ({ labels: { ...s.labels }, v: [...s.v] }));
}

test('a UI check runs on its timer, is stored with job/instance/check labels, persists, and goes stale when deleted', async () => {
  const storage = new MemoryStorage();
  const store = new MapStore();
  const m = await manager(storage, store);
  try {
    const saved = await m.put(
      { name: 'web', type: 'http', target: url('/ok'), interval: '1s', timeout: '1s' },
      'web',
    );
    assert.equal(saved.source, 'ui');
    assert.equal(((await store.get(STORE_KIND, 'web'))?.doc as ProbeCheck).target, url('/ok'));
    await waitFor(
      'two results',
      async () => ((await values(storage, 'probe_success', 'web'))[0]?.v.length ?? 0) >= 2 || undefined,
      10_000,
    );
    const [s] = await values(storage, 'probe_success', 'web');
    assert.deepEqual(s!.labels, {
      __name__: 'probe_success',
      job: 'probes',
      instance: url('/ok'),
      check: 'web',
    });
    assert.ok(s!.v.every((v) => v === 1));
    const listed = m.list().find((x) => x.check.id === 'web');
    assert.equal(listed?.last?.success, true);
    assert.equal(listed?.job, 'probes');

    // A new manager on the same store runs the saved check again.
    const again = await manager(new MemoryStorage(), store);
    assert.deepEqual(
      again.list().map((x) => x.check.id),
      ['web'],
    );
    await again.stop();

    assert.equal(await m.delete('web'), true);
    assert.equal(await m.delete('web'), false);
    assert.equal(await store.get(STORE_KIND, 'web'), undefined);
    for (const name of ['probe_success', 'probe_http_status_code', 'probe_duration_seconds']) {
      const [after] = await values(storage, name, 'web');
      assert.ok(isStaleNaN(after!.v[after!.v.length - 1]!), `${name} ends with a staleness marker`);
    }
  } finally {
    await m.stop();
  }
});

test('bad checks are refused naming the field; config checks cannot be edited or deleted from the UI', async () => {
  const m = await manager(new MemoryStorage());
  try {
    await assert.rejects(
      m.put({ name: 'x', type: 'http', target: 'ftp://x' }, 'x'),
      (e: Error) => e instanceof ProbeCheckError && /^target: /.test(e.message),
    );
    await assert.rejects(
      m.put({ name: 'x', type: 'http', target: url('/'), http: { bodyRegex: '(' } }, 'x'),
      /http.bodyRegex: invalid regular expression/,
    );
    await assert.rejects(
      m.put({ name: 'x', type: 'tcp', target: 'host' }, 'x'),
      /target: "host" is not host:port/,
    );
    await assert.rejects(
      m.put({ name: 'x', type: 'http', target: url('/'), timeout: '1m' }, 'x'),
      /timeout: .* longer than the interval/,
    );
    await assert.rejects(
      m.put({ id: 'y', name: 'x', type: 'icmp', target: 'h' }, 'x'),
      /id: "y" does not match/,
    );
    await assert.rejects(
      m.put({ name: 'x', type: 'icmp', target: 'h', labels: { job: 'j' } }, 'x'),
      /labels.job: /,
    );
    await m.applyConfig([
      {
        job: 'blackbox',
        check: { id: 'cfg', name: 'cfg', type: 'http', target: url('/ok'), interval: '10s' },
      },
    ]);
    assert.equal(m.list()[0]?.check.source, 'config');
    await assert.rejects(m.put({ name: 'x', type: 'http', target: url('/ok') }, 'cfg'), ProbeConflictError);
    await assert.rejects(m.delete('cfg'), ProbeConflictError);
  } finally {
    await m.stop();
  }
});

test('a hanging target does not delay the others: they complete runs while it is still in flight', async () => {
  const storage = new MemoryStorage();
  const m = await manager(storage, undefined, 4);
  try {
    await m.put(
      { name: 'hang', type: 'http', target: url('/hang'), interval: '20s', timeout: '10s' },
      'hang',
    );
    for (let i = 0; i < 5; i++)
      await m.put(
        { name: `ok${i}`, type: 'http', target: url('/ok'), interval: '1s', timeout: '1s' },
        `ok${i}`,
      );
    await waitFor(
      'every quick check ran twice',
      async () => {
        for (let i = 0; i < 5; i++)
          if (((await values(storage, 'probe_success', `ok${i}`))[0]?.v.length ?? 0) < 2) return undefined;
        return true;
      },
      15_000,
    );
    // The hanging check started (its 20 s interval puts it somewhere in that window) or is still due; either
    // way it has no result yet, and every quick check succeeded meanwhile.
    assert.equal(m.list().find((x) => x.check.id === 'hang')?.last, undefined);
    for (let i = 0; i < 5; i++)
      assert.equal(m.list().find((x) => x.check.id === `ok${i}`)?.last?.success, true);
  } finally {
    await m.stop();
  }
});

test('the concurrency limit holds: extra probes wait for a slot', async () => {
  const m = await manager(new MemoryStorage(), undefined, 2);
  try {
    const runs = [0, 1, 2, 3].map((i) =>
      m.test({ id: `h${i}`, name: 'h', type: 'http', target: url('/hang'), timeout: '1s' }),
    );
    const seen = await waitFor(
      'probes waiting for a slot',
      async () => (m.limiter.stats().waiting === 2 ? m.limiter.stats() : undefined),
      5000,
    );
    assert.deepEqual(seen, { active: 2, waiting: 2 });
    const results = await Promise.all(runs);
    assert.ok(results.every((r) => !r.success && /timeout/.test(r.error!)));
    assert.deepEqual(m.limiter.stats(), { active: 0, waiting: 0 });
  } finally {
    await m.stop();
  }
});

test('applyConfig keeps unchanged checks running and marks removed ones stale', async () => {
  const storage = new MemoryStorage();
  const m = await manager(storage);
  const check = (id: string): ProbeCheck => ({
    id,
    name: id,
    type: 'http',
    target: url('/ok'),
    interval: '1s',
    timeout: '1s',
  });
  try {
    await m.applyConfig([
      { job: 'bb', check: check('a') },
      { job: 'bb', check: check('b') },
    ]);
    await waitFor(
      'both ran',
      async () =>
        ((await values(storage, 'probe_success', 'a')).length &&
          (await values(storage, 'probe_success', 'b')).length) ||
        undefined,
      10_000,
    );
    const loopA = m.list().find((x) => x.check.id === 'a');
    await m.applyConfig([{ job: 'bb', check: check('a') }]);
    assert.equal(m.list().length, 1);
    assert.equal(m.list()[0]?.last, loopA?.last, 'the unchanged check kept its loop');
    const [b] = await values(storage, 'probe_success', 'b');
    assert.ok(isStaleNaN(b!.v[b!.v.length - 1]!));
    assert.equal(b!.labels.job, 'bb');
  } finally {
    await m.stop();
  }
});
