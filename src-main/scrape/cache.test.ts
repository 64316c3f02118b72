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
