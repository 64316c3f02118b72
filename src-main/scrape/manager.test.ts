import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { isStaleNaN } from '../common/sample';
import { scrapeConfig, type ScrapeConfig } from '../config/api';
import { MemoryStorage } from '../storage/memory/memory-storage';
import { createParser } from './exposition/parser';
import { createScrapeManager, type ScrapeManagerImpl } from './manager';

/** exporter starts a loopback server exposing `metric{path="<url path>"} 1` and closes it after the test. */
async function exporter(t: TestContext, metric: string): Promise<string> {
  const server = createServer((req, res) => {
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(`${metric}{path="${req.url}"} 1\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** waitFor polls cond until it holds, failing after 5 s. */
async function waitFor(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  // Generous: the machines that run the suite are often loaded; the loop ends as soon as cond holds.
  const end = Date.now() + 20_000;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await delay(10);
  }
}

function job(name: string, over: Partial<ScrapeConfig> = {}): ScrapeConfig {
  return scrapeConfig(name, { scrape_interval: 100, scrape_timeout: 90 }, over);
}

function manager(t: TestContext, store: MemoryStorage): ScrapeManagerImpl {
  const m = createScrapeManager({ appender: () => store.appender(), createParser });
  t.after(() => m.stop());
  return m;
}

/** lastValue returns the last sample of each series of a metric, keyed by instance. */
async function lastValues(store: MemoryStorage, metric: string): Promise<Map<string, number | 'stale'>> {
  const out = new Map<string, number | 'stale'>();
  for (const s of await store.querier().select([{ name: '__name__', type: '=', value: metric }], 0, 1e15)) {
    const v = s.v[s.v.length - 1]!;
    out.set(s.labels.instance!, isStaleNaN(v) ? 'stale' : v);
  }
  return out;
}

test('sync starts one loop per target, lists active and dropped targets, and scrapes them', async (t) => {
  const store = new MemoryStorage();
  const m = manager(t, store);
  const a = await exporter(t, 'm');
  const b = await exporter(t, 'm');
  m.applyConfig([job('node')]);
  m.sync('node', [
    {
      source: '0',
      targets: [{ __address__: a }, { __address__: b }, { __address__: 'bad/addr' }],
      labels: { env: 'lab' },
    },
  ]);
  const { active, dropped } = m.targets();
  assert.deepEqual(
    active.map((x) => x.labels).sort((x, y) => (x.instance! < y.instance! ? -1 : 1)),
    [a, b].sort().map((i) => ({ env: 'lab', job: 'node', instance: i })),
  );
  assert.ok(
    active.every((x) => x.health === 'unknown' && x.scrapeInterval === 100 && x.scrapeTimeout === 90),
  );
  assert.equal(dropped.length, 1);
  assert.match(dropped[0]!.reason, /invalid address "bad\/addr"/);
  await waitFor('both targets up', () => m.targets().active.every((x) => x.health === 'up'));
  const up = await lastValues(store, 'up');
  assert.deepEqual([...up.keys()].sort(), [a, b].sort());
  assert.ok(m.targets().active.every((x) => x.lastScrape > 0 && x.lastError === ''));
});

test('an unchanged target keeps its loop across syncs; a removed one is stopped with staleness markers', async (t) => {
  const store = new MemoryStorage();
  const m = manager(t, store);
  const a = await exporter(t, 'm');
  const b = await exporter(t, 'm');
  m.applyConfig([job('node')]);
  m.sync('node', [{ source: 'x', targets: [{ __address__: a }, { __address__: b }], labels: {} }]);
  await waitFor('first scrapes', () => m.loops('node').every((l) => l.scrapes > 0));
  const loopA = m.loops('node').find((l) => l.target.labels.instance === a)!;
  m.sync('node', [{ source: 'x', targets: [{ __address__: a, __meta_note: 'moved' }], labels: {} }]);
  assert.equal(m.loops('node').length, 1);
  assert.equal(m.loops('node')[0], loopA, 'same loop object for the unchanged target');
  assert.equal(m.targets().active[0]!.discoveredLabels.__meta_note, 'moved');
  await waitFor('b stale', async () => (await lastValues(store, 'm')).get(b) === 'stale');
  await waitFor('b up stale', async () => (await lastValues(store, 'up')).get(b) === 'stale');
  const before = loopA.scrapes;
  await waitFor('a keeps scraping', () => loopA.scrapes > before);
  assert.equal((await lastValues(store, 'm')).get(a), 1);
  // An empty group for the source removes its targets.
  m.sync('node', [{ source: 'x', targets: [], labels: {} }]);
  assert.equal(m.targets().active.length, 0);
  await waitFor('a stale', async () => (await lastValues(store, 'm')).get(a) === 'stale');
});

test('groups of other sources are kept when one source changes', async (t) => {
  const store = new MemoryStorage();
  const m = manager(t, store);
  const a = await exporter(t, 'm');
  const b = await exporter(t, 'm');
  m.applyConfig([job('node')]);
  m.sync('node', [{ source: '0', targets: [{ __address__: a }], labels: {} }]);
  m.sync('node', [{ source: '1', targets: [{ __address__: b }], labels: {} }]);
  assert.equal(m.targets().active.length, 2);
});

test('a config change that moves the URL replaces the target; a removed job stops with stale markers', async (t) => {
  const store = new MemoryStorage();
  const m = manager(t, store);
  const a = await exporter(t, 'm');
  m.applyConfig([job('node'), job('other')]);
  m.sync('node', [{ source: '0', targets: [{ __address__: a }], labels: {} }]);
  m.sync('other', [{ source: '0', targets: [{ __address__: a }], labels: { kind: 'other' } }]);
  await waitFor('scraped', () => m.loops('node')[0]!.scrapes > 0 && m.loops('other')[0]!.scrapes > 0);
  m.applyConfig([job('node', { metrics_path: '/v2' }), job('other')]);
  assert.equal(m.targets().active.find((x) => x.job === 'node')!.scrapeUrl, `http://${a}/v2`);
  const paths = async () =>
    (await store.querier().select([{ name: '__name__', type: '=', value: 'm' }], 0, 1e15))
      .filter((s) => s.labels.job === 'node')
      .map((s) => `${s.labels.path}:${isStaleNaN(s.v[s.v.length - 1]!) ? 'stale' : 'live'}`)
      .sort();
  await waitFor(
    'old path stale, new path live',
    async () => (await paths()).join() === '/metrics:stale,/v2:live',
  );
  m.applyConfig([job('node', { metrics_path: '/v2' })]);
  assert.deepEqual(
    m.targets().active.map((x) => x.job),
    ['node'],
  );
  await waitFor('other job stale', async () => {
    const s = await store.querier().select([{ name: 'job', type: '=', value: 'other' }], 0, 1e15);
    return s.length > 0 && s.every((x) => isStaleNaN(x.v[x.v.length - 1]!));
  });
});

test('an interval-only change keeps the series cache; stop ends every series', async (t) => {
  const store = new MemoryStorage();
  const m = manager(t, store);
  const a = await exporter(t, 'm');
  m.applyConfig([job('node')]);
  m.sync('node', [{ source: '0', targets: [{ __address__: a }], labels: {} }]);
  await waitFor('scraped', () => m.loops('node')[0]!.scrapes > 0);
  const old = m.loops('node')[0]!;
  m.applyConfig([job('node', { scrape_interval: 120, scrape_timeout: 100 })]);
  const now = m.loops('node')[0]!;
  assert.notEqual(now, old);
  assert.equal(now.cache, old.cache, 'the cache is handed over');
  await waitFor('new loop scrapes', () => now.scrapes > 0);
  const [series] = await store.querier().select([{ name: '__name__', type: '=', value: 'm' }], 0, 1e15);
  assert.ok(series!.v.length >= 2);
  assert.ok(!series!.v.some(isStaleNaN), 'no stale marker between the two loops');
  await m.stop();
  assert.equal((await lastValues(store, 'm')).get(a), 'stale');
  assert.equal((await lastValues(store, 'up')).get(a), 'stale');
  assert.deepEqual(m.targets().active, []);
});

test('groups synced before the job is configured are used once it is; duplicate targets share one loop', async (t) => {
  const store = new MemoryStorage();
  const m = manager(t, store);
  const a = await exporter(t, 'm');
  m.sync('later', [
    { source: '0', targets: [{ __address__: a }], labels: {} },
    { source: '1', targets: [{ __address__: a }], labels: {} },
  ]);
  assert.deepEqual(m.targets().active, []);
  m.applyConfig([job('later')]);
  assert.equal(m.targets().active.length, 1);
  await waitFor('scraped', async () => (await lastValues(store, 'up')).get(a) === 1);
});
