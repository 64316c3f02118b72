import assert from 'node:assert/strict';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { isStaleNaN } from '../common/sample';
import { MemoryStorage } from '../storage/memory/memory-storage';
import { scrapeConfig, type ScrapeConfig } from '../config/api';
import { createParser } from './exposition/parser';
import { ScrapeHttpClient } from './http';
import { firstScrapes, ScrapeLoop } from './loop';
import { buildTarget, scrapeOffset, type ScrapeTarget } from './target';

/** serve starts a loopback HTTP server for one test and closes it (and its sockets) after. */
async function serve(t: TestContext, handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const CFG: ScrapeConfig = scrapeConfig('node', { scrape_interval: 15_000, scrape_timeout: 10_000 });

interface Harness {
  loop: ScrapeLoop;
  /** make builds another loop for the same target, optionally taking over a stopped loop's state. */
  make: (predecessor?: ScrapeLoop) => ScrapeLoop;
  store: MemoryStorage;
  clock: { t: number };
  setBody: (b: string, status?: number) => void;
  /** values returns every sample of a metric as [t, v], stale markers as 'stale'. */
  values: (metric: string) => Promise<[number, number | string][]>;
}

async function harness(
  t: TestContext,
  over: Partial<ScrapeConfig> = {},
  timeoutMs = 5000,
  wallClock = false,
): Promise<Harness> {
  let body = '';
  let status = 200;
  const address = await serve(t, (_req, res) => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(body);
  });
  const cfg = { ...CFG, ...over };
  const target = buildTarget({ __address__: address }, { env: 'lab' }, cfg) as ScrapeTarget;
  const store = new MemoryStorage();
  const clock = { t: 1_000_000 };
  const client = new ScrapeHttpClient();
  t.after(() => client.close());
  const make = (predecessor?: ScrapeLoop): ScrapeLoop =>
    new ScrapeLoop({
      predecessor,
      target,
      settings: {
        intervalMs: cfg.scrape_interval,
        timeoutMs,
        bodySizeLimit: cfg.body_size_limit,
        append: {
          targetLabels: target.labels,
          honorLabels: cfg.honor_labels,
          honorTimestamps: cfg.honor_timestamps,
          sampleLimit: cfg.sample_limit,
          labelLimit: cfg.label_limit,
          labelNameLengthLimit: cfg.label_name_length_limit,
          labelValueLengthLimit: cfg.label_value_length_limit,
          maxFutureMs: 600_000,
        },
      },
      fetcher: client,
      appender: () => store.appender(),
      createParser,
      now: wallClock ? Date.now : () => clock.t,
      log: () => {},
      offsetSeed: 0,
    });
  const loop = make();
  t.after(() => loop.stop(false));
  const values = async (metric: string): Promise<[number, number | string][]> => {
    const s = await store.querier().select([{ name: '__name__', type: '=', value: metric }], 0, 1e15);
    if (s.length === 0) return [];
    assert.equal(s.length, 1, `one series of ${metric}`);
    return [...s[0]!.t].map((ts, i) => [ts, isStaleNaN(s[0]!.v[i]!) ? 'stale' : s[0]!.v[i]!]);
  };
  return {
    loop,
    make,
    store,
    clock,
    setBody: (b, st = 200) => {
      body = b;
      status = st;
    },
    values,
  };
}

test('a successful scrape stores samples and the synthetic series with the target labels', async (t) => {
  const h = await harness(t);
  h.setBody('# TYPE a gauge\na{x="1"} 5\nb 6\n');
  await h.loop.scrapeOnce();
  assert.equal(h.loop.health, 'up');
  assert.equal(h.loop.lastError, '');
  assert.equal(h.loop.lastScrape, 1_000_000);
  assert.deepEqual(await h.values('a'), [[1_000_000, 5]]);
  assert.deepEqual(await h.values('up'), [[1_000_000, 1]]);
  assert.deepEqual(await h.values('scrape_samples_scraped'), [[1_000_000, 2]]);
  assert.deepEqual(await h.values('scrape_samples_post_metric_relabeling'), [[1_000_000, 2]]);
  assert.deepEqual(await h.values('scrape_series_added'), [[1_000_000, 2]]);
  const [dur] = await h.values('scrape_duration_seconds');
  assert.ok(typeof dur![1] === 'number' && dur![1] > 0 && dur![1] < 5);
  const up = await h.store.querier().series([[{ name: '__name__', type: '=', value: 'up' }]], 0, 1e15);
  assert.deepEqual(up, [
    { __name__: 'up', env: 'lab', job: 'node', instance: h.loop.target.labels.instance },
  ]);
  assert.equal((await h.store.querier().metadata('up')).get('up')?.type, 'gauge');
});

test('a parse error fails the whole scrape: nothing of the body, up 0, line and column, old series stale', async (t) => {
  const h = await harness(t);
  h.setBody('a 1\nb 2\n');
  await h.loop.scrapeOnce();
  h.clock.t += 15_000;
  h.setBody('a 3\nb 4 x\nc 5\n');
  await h.loop.scrapeOnce();
  assert.equal(h.loop.health, 'down');
  assert.match(h.loop.lastError, /^parse error at line 2, column \d+: /);
  assert.deepEqual(await h.values('a'), [
    [1_000_000, 1],
    [1_015_000, 'stale'],
  ]);
  assert.deepEqual(await h.values('b'), [
    [1_000_000, 2],
    [1_015_000, 'stale'],
  ]);
  assert.deepEqual(await h.values('c'), []);
  assert.deepEqual(await h.values('up'), [
    [1_000_000, 1],
    [1_015_000, 0],
  ]);
  assert.deepEqual(await h.values('scrape_samples_scraped'), [
    [1_000_000, 2],
    [1_015_000, 0],
  ]);
  // The target recovers: its series come back.
  h.clock.t += 15_000;
  h.setBody('a 7\n');
  await h.loop.scrapeOnce();
  assert.equal(h.loop.health, 'up');
  assert.equal(h.loop.lastError, '');
  assert.deepEqual((await h.values('a')).at(-1), [1_030_000, 7]);
  assert.deepEqual(await h.values('scrape_series_added'), [
    [1_000_000, 2],
    [1_015_000, 0],
    [1_030_000, 0], // still in the series cache: a failed scrape does not flush it, as in Prometheus
  ]);
});

test('sample_limit: only the synthetic series are written, and the error says so', async (t) => {
  const h = await harness(t, { sample_limit: 2 });
  h.setBody('a 1\nb 2\n');
  await h.loop.scrapeOnce();
  h.clock.t += 15_000;
  h.setBody('a 1\nb 2\nc 3\n');
  await h.loop.scrapeOnce();
  assert.equal(h.loop.health, 'down');
  assert.match(h.loop.lastError, /sample_limit exceeded: the scrape has 3 samples, the limit is 2/);
  assert.deepEqual(await h.values('c'), []);
  assert.deepEqual((await h.values('a')).at(-1), [1_015_000, 'stale']);
  assert.deepEqual((await h.values('up')).at(-1), [1_015_000, 0]);
  assert.deepEqual((await h.values('scrape_samples_scraped')).at(-1), [1_015_000, 3]);
});

test('an HTTP error marks the previous series stale and reports up 0', async (t) => {
  const h = await harness(t);
  h.setBody('a 1\n');
  await h.loop.scrapeOnce();
  h.clock.t += 15_000;
  h.setBody('', 500);
  await h.loop.scrapeOnce();
  assert.equal(h.loop.lastError, 'server returned HTTP status 500 Internal Server Error');
  assert.deepEqual(await h.values('a'), [
    [1_000_000, 1],
    [1_015_000, 'stale'],
  ]);
  // A second failure writes no second marker.
  h.clock.t += 15_000;
  await h.loop.scrapeOnce();
  assert.equal((await h.values('a')).length, 2);
  assert.deepEqual((await h.values('up')).at(-1), [1_030_000, 0]);
});

test('when storage refuses every sample the target stays up and lastError says why', async (t) => {
  const h = await harness(t);
  h.setBody('a 1 5000\n');
  await h.loop.scrapeOnce();
  h.clock.t += 15_000;
  h.setBody('a 1 4000\n');
  await h.loop.scrapeOnce();
  assert.equal(h.loop.health, 'up');
  assert.match(h.loop.lastError, /storage refused all 1 samples: 1 out of order/);
});

test('stop marks every series and the synthetic series stale', async (t) => {
  const h = await harness(t);
  h.setBody('a 1\nb 2\n');
  await h.loop.scrapeOnce();
  h.clock.t += 1000;
  await h.loop.stop(true);
  assert.deepEqual(await h.values('a'), [
    [1_000_000, 1],
    [1_001_000, 'stale'],
  ]);
  for (const m of ['up', 'scrape_duration_seconds', 'scrape_series_added'])
    assert.deepEqual((await h.values(m)).at(-1), [1_001_000, 'stale'], m);
});

test('stop aborts an in-flight scrape without reporting it as failed', async (t) => {
  const h = await harness(t);
  h.setBody('a 1\n');
  await h.loop.scrapeOnce();
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const slow = await serve(t, () => release());
  h.loop.updateTarget({ ...h.loop.target, url: `http://${slow}/metrics` });
  // updateTarget keeps the target only with the same identity, which includes the URL: reach in for the test.
  Object.assign(h.loop.target, { url: `http://${slow}/metrics` });
  const p = h.loop.scrapeOnce();
  await held;
  h.clock.t += 1000;
  await h.loop.stop(true);
  await p;
  assert.deepEqual(await h.values('up'), [
    [1_000_000, 1],
    [1_001_000, 'stale'],
  ]);
});

test('the timer scrapes at the phase the target hash picks, once per interval', async (t) => {
  const h = await harness(t, { scrape_interval: 600, scrape_timeout: 500 }, 500, true);
  // The times the timer schedules are checked, not when a busy machine got round to them.
  const scheduled: number[] = [];
  const scrapeOnce = h.loop.scrapeOnce.bind(h.loop);
  h.loop.scrapeOnce = (at?: number) => {
    if (at !== undefined) scheduled.push(at);
    return scrapeOnce(at);
  };
  h.setBody('a 1\n');
  h.loop.start();
  const end = Date.now() + 10_000;
  while (scheduled.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  assert.equal(scheduled.length, 3, 'three scrapes');
  // The first may come early (a new target's first-scrape spread); from the second on, the hash's phase.
  const phase = (h.loop.target.hash >>> 0) % 600;
  assert.equal(scheduled[1]! % 600, phase, 'second scrape at the hash phase');
  assert.ok(scheduled[1]! > scheduled[0]!);
  // A loop that overran skips the ticks it missed, so a stalled machine may see a multiple of the interval.
  const gap = scheduled[2]! - scheduled[1]!;
  assert.ok(gap > 0 && gap % 600 === 0, `interval ${gap}`);
  await h.loop.stop(false);
});

test('a loop that took over a cache ends the series of its predecessor even before its own first scrape', async (t) => {
  const h = await harness(t);
  h.setBody('a 1\n');
  await h.loop.scrapeOnce();
  await h.loop.stop(false);
  assert.deepEqual(await h.values('a'), [[1_000_000, 1]], 'a reload writes no marker');
  const next = h.make(h.loop);
  assert.equal(next.cache, h.loop.cache);
  h.clock.t += 500;
  await next.stop(true);
  assert.deepEqual(await h.values('a'), [
    [1_000_000, 1],
    [1_000_500, 'stale'],
  ]);
  assert.deepEqual((await h.values('up')).at(-1), [1_000_500, 'stale']);
});

test('a new target is scraped within the first-scrape spread, then keeps its phase', () => {
  const interval = 10_000;
  const wall = 1_700_000_000_000; // a multiple of the interval
  for (let hash = 0; hash < 5000; hash += 7) {
    const phased = wall + scrapeOffset(hash, interval, wall, 0);
    const s = firstScrapes(hash, interval, wall, 0, 2000);
    assert.ok(s.first - wall < 2000, `first scrape of ${hash} within 2 s`);
    if (s.then === undefined) assert.equal(s.first, phased);
    else {
      assert.equal((s.then - phased) % interval, 0, 'then is on the phase');
      assert.ok(s.then - s.first >= interval / 2, 'no two scrapes closer than half an interval');
    }
  }
  // Without a spread (a reloaded loop, or Prometheus's behaviour), the first scrape is at the phase.
  assert.deepEqual(firstScrapes(1234, interval, wall, 0, 0), {
    first: wall + scrapeOffset(1234, interval, wall, 0),
  });
});
