import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Labels } from '../common/labels';
import { isStaleNaN } from '../common/sample';
import { MemoryStorage } from '../storage/memory/memory-storage';
import { appendScrape, finalLabels, ScrapeLimitError, type AppendOptions } from './append';
import { ScrapeCache } from './cache';
import { createParser } from './exposition/parser';
import type { ExpositionParser } from './exposition/types';

const TARGET: Labels = { job: 'node', instance: 'h:9100' };

function options(over: Partial<AppendOptions> = {}): AppendOptions {
  return {
    targetLabels: TARGET,
    honorLabels: false,
    honorTimestamps: true,
    sampleLimit: 0,
    labelLimit: 0,
    labelNameLengthLimit: 0,
    labelValueLengthLimit: 0,
    maxFutureMs: 600_000,
    ...over,
  };
}

const TEXT = 'text/plain; version=0.0.4';

/** scrape appends one body and commits it, as the loop does for a successful scrape. */
async function scrape(store: MemoryStorage, cache: ScrapeCache, body: string, t: number, opts = options()) {
  const app = store.appender();
  const res = appendScrape(createParser(body, TEXT), app, cache, opts, t);
  await app.commit();
  cache.succeed();
  for (const [n, m] of res.metadata) cache.metadata.set(n, m);
  return res;
}

/** points returns every stored sample of a metric as [t, value] with stale markers as 'stale'. */
async function points(store: MemoryStorage, metric: string): Promise<Map<string, (number | string)[][]>> {
  const out = new Map<string, (number | string)[][]>();
  const series = await store.querier().select([{ name: '__name__', type: '=', value: metric }], 0, 1e15);
  for (const s of series) {
    const key = Object.entries(s.labels)
      .filter(([n]) => n !== '__name__' && n !== 'job' && n !== 'instance')
      .map(([n, v]) => `${n}=${v}`)
      .join(',');
    out.set(
      key,
      [...s.t].map((t, i) => [t, isStaleNaN(s.v[i]!) ? 'stale' : s.v[i]!]),
    );
  }
  return out;
}

test('honor_labels false renames clashing exposed labels to exported_*, shortest first', () => {
  const opts = { honorLabels: false, targetLabels: { job: 'node', instance: 'h:1', env: 'lab' } };
  assert.deepEqual(
    finalLabels({ __name__: 'm', job: 'app', exported_job: 'x', instance: 'i', env: '' }, opts),
    {
      __name__: 'm',
      job: 'node',
      instance: 'h:1',
      env: 'lab',
      exported_job: 'x',
      exported_exported_job: 'app',
      exported_instance: 'i',
    },
  );
});

test('honor_labels true keeps exposed values and adds the missing target labels', () => {
  const opts = { honorLabels: true, targetLabels: { job: 'node', instance: 'h:1' } };
  assert.deepEqual(finalLabels({ __name__: 'm', job: 'app' }, opts), {
    __name__: 'm',
    job: 'app',
    instance: 'h:1',
  });
});

test('a series missing from the next scrape gets a staleness marker at that scrape, and may come back', async () => {
  const store = new MemoryStorage();
  const cache = new ScrapeCache();
  let r = await scrape(store, cache, 'a 1\nb{x="1"} 2\n', 1000);
  assert.equal(r.scraped, 2);
  assert.equal(r.seriesAdded, 2);
  r = await scrape(store, cache, 'a 3\n', 2000);
  assert.equal(r.seriesAdded, 0);
  await scrape(store, cache, 'a 4\nb{x="1"} 5\n', 3000);
  await scrape(store, cache, 'a 6\nb{x="1"} 7\n', 4000);
  assert.deepEqual(
    await points(store, 'a'),
    new Map([
      [
        '',
        [
          [1000, 1],
          [2000, 3],
          [3000, 4],
          [4000, 6],
        ],
      ],
    ]),
  );
  assert.deepEqual(
    await points(store, 'b'),
    new Map([
      [
        'x=1',
        [
          [1000, 2],
          [2000, 'stale'],
          [3000, 5],
          [4000, 7],
        ],
      ],
    ]),
  );
});

test('series with their own timestamp are not marked stale; honor_timestamps false uses the scrape time', async () => {
  const store = new MemoryStorage();
  const cache = new ScrapeCache();
  await scrape(store, cache, 'a 1 500\nb 1\n', 1000);
  await scrape(store, cache, '', 2000);
  assert.deepEqual(await points(store, 'a'), new Map([['', [[500, 1]]]]));
  assert.deepEqual(
    await points(store, 'b'),
    new Map([
      [
        '',
        [
          [1000, 1],
          [2000, 'stale'],
        ],
      ],
    ]),
  );
  const other = new MemoryStorage();
  await scrape(other, new ScrapeCache(), 'c 1 500\n', 1000, options({ honorTimestamps: false }));
  assert.deepEqual(await points(other, 'c'), new Map([['', [[1000, 1]]]]));
});

test('the series cache builds labels once: later scrapes of known series never call labels()', async () => {
  const store = new MemoryStorage();
  const cache = new ScrapeCache();
  let labelsCalls = 0;
  const counting = (body: string): ExpositionParser => {
    const p = createParser(body, TEXT);
    const labels = p.labels.bind(p);
    p.labels = () => {
      labelsCalls++;
      return labels();
    };
    return p;
  };
  const body = 'a{x="1"} 1\na{x="2"} 2\nb 3\n';
  for (let i = 0; i < 3; i++) {
    const app = store.appender();
    appendScrape(counting(body), app, cache, options(), 1000 * (i + 1));
    await app.commit();
    cache.succeed();
  }
  assert.equal(labelsCalls, 3, 'labels() once per series, on the first scrape only');
  assert.equal(cache.size, 3);
  assert.equal((await store.stats()).samples, 9);
  const app = store.appender();
  appendScrape(counting('a{x="1"} 1\na{x="3"} 2\n'), app, cache, options(), 5000);
  await app.commit();
  cache.succeed();
  assert.equal(labelsCalls, 4, 'only the new series builds labels');
  assert.equal(cache.size, 2, 'series gone from the scrape leave the cache');
});

test('duplicate and out-of-order samples are counted and skipped, not fatal', async () => {
  const store = new MemoryStorage();
  const cache = new ScrapeCache();
  await scrape(store, cache, 'old 1 5000\n', 6000);
  const r = await scrape(store, cache, 'a 1\na 2\nold 2 4000\nb 3\n', 7000);
  assert.equal(r.scraped, 4);
  assert.equal(r.duplicate, 1);
  assert.equal(r.outOfOrder, 1);
  assert.equal(r.appended, 2);
  assert.deepEqual(await points(store, 'a'), new Map([['', [[7000, 1]]]]));
  assert.deepEqual(await points(store, 'old'), new Map([['', [[5000, 1]]]]));
});

test('samples too far in the future are refused', async () => {
  const store = new MemoryStorage();
  const r = await scrape(
    store,
    new ScrapeCache(),
    'a 1 999999999\nb 2\n',
    1000,
    options({ maxFutureMs: 1000 }),
  );
  assert.equal(r.outOfBounds, 1);
  assert.equal((await store.stats()).samples, 1);
});

test('sample_limit: a scrape over the limit throws and names the limit; all samples are still counted', () => {
  const store = new MemoryStorage();
  const body = 'a 1\nb 2\nc 3\nd 4\n';
  assert.throws(
    () =>
      appendScrape(
        createParser(body, TEXT),
        store.appender(),
        new ScrapeCache(),
        options({ sampleLimit: 3 }),
        1,
      ),
    (e: unknown) =>
      e instanceof ScrapeLimitError &&
      /sample_limit exceeded: the scrape has 4 samples, the limit is 3/.test(e.message),
  );
  const ok = appendScrape(
    createParser(body, TEXT),
    store.appender(),
    new ScrapeCache(),
    options({ sampleLimit: 4 }),
    1,
  );
  assert.equal(ok.appended, 4);
});

test('label limits fail the scrape with the metric and the limit named', () => {
  const store = new MemoryStorage();
  const run = (body: string, opts: Partial<AppendOptions>) => () =>
    appendScrape(createParser(body, TEXT), store.appender(), new ScrapeCache(), options(opts), 1);
  // 4 labels with job and instance.
  assert.doesNotThrow(run('m{a="1",b="2"} 1\n', { labelLimit: 5 }));
  assert.throws(
    run('m{a="1",b="2"} 1\n', { labelLimit: 4 }),
    /label_limit exceeded: metric m has 5 labels, the limit is 4/,
  );
  assert.throws(
    run('m{long_label_name="1"} 1\n', { labelNameLengthLimit: 10 }),
    /label_name_length_limit exceeded: metric m, label name long_label_name has 15 characters, the limit is 10/,
  );
  assert.throws(
    run('m{a="0123456789"} 1\n', { labelValueLengthLimit: 9 }),
    /label_value_length_limit exceeded: metric m, label a has a value of 10 characters, the limit is 9/,
  );
});

test('TYPE, HELP and UNIT reach storage once per change', async () => {
  const store = new MemoryStorage();
  const cache = new ScrapeCache();
  const body = '# HELP a Things done.\n# TYPE a counter\na 1\n# TYPE g gauge\ng 2\n';
  let r = await scrape(store, cache, body, 1000);
  assert.deepEqual([...r.metadata.keys()], ['a', 'g']);
  assert.deepEqual((await store.querier().metadata('a')).get('a'), {
    type: 'counter',
    help: 'Things done.',
    unit: '',
  });
  r = await scrape(store, cache, body, 2000);
  assert.equal(r.metadata.size, 0, 'unchanged metadata is not sent again');
  r = await scrape(store, cache, body.replace('gauge', 'untyped'), 3000);
  assert.deepEqual([...r.metadata.keys()], ['g']);
  assert.equal((await store.querier().metadata('g')).get('g')?.type, 'untyped');
  // A family gone for more than 10 scrapes is forgotten, so its return sends its metadata again.
  for (let i = 0; i < 11; i++) await scrape(store, cache, 'a 1\n', 4000 + i * 1000);
  assert.deepEqual([...cache.metadata.keys()], []);
  r = await scrape(store, cache, body, 20_000);
  assert.deepEqual([...r.metadata.keys()], ['a', 'g']);
});

test('a key learned from a text body is not taken as valid in an OpenMetrics body, where it is not', async () => {
  const store = new MemoryStorage();
  const cache = new ScrapeCache();
  const body = 'a {x="1"} 1\nb{y="2"} 2\n';
  for (let i = 1; i <= 2; i++) await scrape(store, cache, body, 1000 * i);
  // The same text served as OpenMetrics: a blank before "{" is an error there, hint or not.
  const app = store.appender();
  const om = createParser(body + '# EOF\n', 'application/openmetrics-text; version=1.0.0');
  assert.throws(() => appendScrape(om, app, cache, options(), 3000), /line 1, column 3: expected a number/);
  app.rollback();
  cache.failBegin();
  cache.failEnd();
  // Back to text: still parsed and stored as before.
  const res = await scrape(store, cache, body, 4000);
  assert.equal(res.appended, 2);
  assert.equal(res.seriesAdded, 0);
});

test('metadata lines equal to the last good scrape are skipped; a change or a failed scrape is still seen', async () => {
  const store = new MemoryStorage();
  const cache = new ScrapeCache();
  const body = '# HELP a A.\n# TYPE a counter\na 1\n# HELP b B.\n# TYPE b gauge\nb 2\n# TYPE c gauge\nc 3\n';
  await scrape(store, cache, body, 1000);
  assert.equal((await scrape(store, cache, body, 2000)).metadata.size, 0);
  // A scrape that changes b's help but fails: nothing stored, and the next one still sends the change.
  const changed = body.replace('B.', 'Bee.');
  const app = store.appender();
  appendScrape(createParser(changed, TEXT), app, cache, options(), 3000);
  app.rollback();
  cache.failBegin();
  cache.failEnd();
  let r = await scrape(store, cache, changed, 4000);
  assert.deepEqual([...r.metadata.entries()], [['b', { type: 'gauge', help: 'Bee.', unit: '' }]]);
  assert.equal(r.metadata.size, 1, 'the families read before the change are replayed, not sent again');
  assert.equal((await scrape(store, cache, changed, 5000)).metadata.size, 0);
  // Fewer lines (c's TYPE gone, c now untyped): a and b stay known for as long as they are exposed.
  const shorter = changed.replace('# TYPE c gauge\n', '');
  for (let i = 0; i < 12; i++) r = await scrape(store, cache, shorter, 6000 + i * 1000);
  assert.deepEqual([...cache.metadata.keys()].sort(), ['a', 'b']);
  assert.equal(r.metadata.size, 0);
});
