import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Matcher } from '../../common/matcher';
import { STALE_NAN } from '../../common/sample';
import { BlockCache, blockCacheOf, DEFAULT_BLOCK_CACHE_BYTES } from './block-cache';
import type { Block } from './block-catalog';
import { plain, tempStore } from './test-helpers';

const block = (seq: number): Block => ({ seq, mint: 0, maxt: 1, rows: 1, seriesOfK: new Int32Array([1]) });
const series = (n: number) => ({ t: new Float64Array(n), v: new Float64Array(n) });

test('BlockCache evicts the least recently used series past its byte budget', () => {
  const c = new BlockCache(3 * (2 * 8 * 100 + 64));
  const [b1, b2] = [block(1), block(2)];
  c.put(b1, 7, series(100));
  c.put(b2, 7, series(100));
  c.put(b1, 8, series(100));
  assert.ok(c.get(b1, 7) !== undefined, 'b1/7 is kept and becomes the most recently used');
  c.put(b2, 9, series(100));
  assert.equal(c.get(b2, 7), undefined, 'b2/7 was the least recently used');
  assert.ok(c.get(b1, 7) !== undefined && c.get(b1, 8) !== undefined && c.get(b2, 9) !== undefined);
  assert.ok(c.size <= c.maxBytes);
  c.put(b1, 10, series(10_000));
  assert.equal(c.get(b1, 10), undefined, 'an entry larger than the whole budget is not kept');
});

test('a repeated select is answered from the block cache with the same samples', async (t) => {
  const { st } = await tempStore(t);
  const B = Date.parse('2026-11-21T04:00:00Z');
  const app = st.appender();
  for (const inst of ['a', 'b'])
    for (let cpu = 0; cpu < 4; cpu++) {
      const labels = { __name__: 'm', inst, cpu: String(cpu) };
      for (let time = B - 7_200_000; time < B + 3_600_000; time += 10_000) {
        const v = time === B ? STALE_NAN : Math.round(((time - B) / 1000) * 0.37 * (cpu + 1)) / 100;
        app.append(0, labels, time, v);
      }
    }
  await app.commit();
  await st.flush();
  await st.maintain({ compactAll: true });
  assert.ok(st.blocks.length >= 2, 'the data spans blocks');
  const cache = blockCacheOf(st, DEFAULT_BLOCK_CACHE_BYTES);
  cache.clear();
  const inst: Matcher[] = [
    { name: '__name__', type: '=', value: 'm' },
    { name: 'inst', type: '=', value: 'a' },
  ];
  const cold = plain(await st.querier().select(inst, B - 3_605_000, B + 1_234_567));
  assert.equal(cold.length, 4);
  const hits = cache.hits;
  const warm = plain(await st.querier().select(inst, B - 3_605_000, B + 1_234_567));
  assert.ok(cache.hits > hits, 'the second select hit the cache');
  assert.deepEqual(warm, cold);
  // A narrower and a wider window over cached blocks return exactly their samples.
  const narrow = await st.querier().select(inst, B - 5_000, B + 25_000);
  assert.deepEqual([...narrow[0]!.t], [B, B + 10_000, B + 20_000]);
  const all = plain(
    await st.querier().select([{ name: '__name__', type: '=', value: 'm' }], -Infinity, Infinity),
  );
  assert.equal(all.length, 8);
  for (const [, ts] of all) assert.equal(ts.length, 1080);
});
