import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_SLOT, ScrapeCache } from './cache';

/** scrape plays one successful scrape of `keys` (key → ref) through the cache, as appendScrape does. */
function scrape(cache: ScrapeCache, keys: Record<string, number>): { stale: number[]; added: string[] } {
  const added: string[] = [];
  for (const [key, ref] of Object.entries(keys)) {
    let slot = cache.get(key);
    if (slot === NO_SLOT) {
      slot = cache.add(key, ref);
      added.push(key);
    }
    assert.equal(cache.ref(slot), ref);
    cache.track(slot);
  }
  const stale = cache.stale();
  cache.succeed();
  return { stale, added };
}

test('the scrape cache maps series text to refs, forgets vanished keys and lists their refs as stale once', () => {
  const cache = new ScrapeCache();
  assert.deepEqual(scrape(cache, { 'a{x="1"}': 1, 'a{x="2"}': 2, b: 3 }), {
    stale: [],
    added: ['a{x="1"}', 'a{x="2"}', 'b'],
  });
  assert.deepEqual(scrape(cache, { 'a{x="1"}': 1, 'a{x="2"}': 2, b: 3 }), { stale: [], added: [] });
  assert.deepEqual(scrape(cache, { 'a{x="1"}': 1, c: 4 }), { stale: [2, 3], added: ['c'] });
  assert.equal(cache.size, 2);
  assert.equal(cache.get('b'), NO_SLOT, 'a vanished key is forgotten');
  // Markers are written once: the next scrape no longer lists the vanished series.
  assert.deepEqual(scrape(cache, { 'a{x="1"}': 1, c: 4, d: 5 }), { stale: [], added: ['d'] });
});

test('a slot is seen once per scrape, so a repeated line is a duplicate', () => {
  const cache = new ScrapeCache();
  const slot = cache.add('a', 7);
  assert.equal(cache.seenThisScrape(slot), false);
  cache.track(slot);
  assert.equal(cache.seenThisScrape(cache.get('a')), true);
  cache.succeed();
  assert.equal(cache.seenThisScrape(cache.get('a')), false, 'a new scrape starts unseen');
});

test('a failed scrape drops its new keys and makes every series of the last good scrape stale', () => {
  const cache = new ScrapeCache();
  scrape(cache, { a: 1, b: 2 });
  cache.track(cache.get('a'));
  cache.add('new', 3);
  cache.failBegin();
  assert.equal(cache.get('new'), NO_SLOT);
  assert.deepEqual(cache.stale(), [1, 2]);
  cache.failEnd();
  // After the failure nothing is "previous" any more: no second round of markers.
  assert.deepEqual(scrape(cache, { a: 1 }), { stale: [], added: [] });
});

test('slots of forgotten keys are reused, so a churning target does not grow the cache', () => {
  const cache = new ScrapeCache();
  for (let round = 0; round < 50; round++) {
    const keys: Record<string, number> = {};
    for (let i = 0; i < 100; i++) keys[`m{i="${round}-${i}"}`] = round * 100 + i + 1;
    scrape(cache, keys);
  }
  assert.equal(cache.size, 100);
  const slots = new Set<number>();
  for (let i = 0; i < 100; i++) slots.add(cache.get(`m{i="49-${i}"}`));
  assert.ok(Math.max(...slots) < 256, `slots stay low: max ${Math.max(...slots)}`);
});

/** keySource is a parser's KeySource over one key, counting how often the key string is made. */
function keySource(key: string, counter: { slices: number }) {
  return {
    seriesKey: () => {
      counter.slices++;
      return key;
    },
    seriesKeyIs: (k: string) => k === key,
  };
}

/** findScrape plays a successful scrape through find(), returning the refs found (0 for a new key). */
function findScrape(cache: ScrapeCache, keys: string[], counter: { slices: number }): number[] {
  const refs: number[] = [];
  for (const key of keys) {
    let slot = cache.find(keySource(key, counter));
    refs.push(slot === NO_SLOT ? 0 : cache.ref(slot));
    if (slot === NO_SLOT) slot = cache.add(key, 100 + Number(key.slice(1)));
    cache.track(slot);
  }
  cache.succeed();
  return refs;
}

test('find gives the same slots as get, and a body in the last order makes no key strings', () => {
  const cache = new ScrapeCache();
  const counter = { slices: 0 };
  const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
  assert.deepEqual(findScrape(cache, keys, counter), new Array(50).fill(0));
  counter.slices = 0;
  const refs = keys.map((k) => 100 + Number(k.slice(1)));
  assert.deepEqual(findScrape(cache, keys, counter), refs);
  assert.equal(counter.slices, 0, 'every key was compared in place');

  // A series removed, one inserted and two swapped: each costs a lookup, and the rest resynchronise.
  const changed = keys.filter((k) => k !== 'k10');
  changed.splice(20, 0, 'k99');
  [changed[30], changed[31]] = [changed[31]!, changed[30]!];
  counter.slices = 0;
  const got = findScrape(cache, changed, counter);
  assert.deepEqual(
    got,
    changed.map((k) => (k === 'k99' ? 0 : 100 + Number(k.slice(1)))),
  );
  assert.ok(counter.slices <= 5, `only the changed places were looked up (${counter.slices})`);
  assert.equal(cache.get('k10'), NO_SLOT, 'the removed key is forgotten');

  // A failed scrape keeps the last good order; a repeated line finds its slot again.
  cache.failBegin();
  cache.failEnd();
  counter.slices = 0;
  const again = findScrape(cache, [...changed, 'k0'], counter);
  assert.equal(again.at(-1), 100);
  assert.equal(counter.slices, 1, 'only the repeated line needed a lookup');
});
