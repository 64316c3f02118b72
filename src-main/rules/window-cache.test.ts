import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Labels } from '../common/labels';
import type { Matcher } from '../common/matcher';
import { MemoryStorage } from '../storage/memory/memory-storage';
import type { Querier, SeriesData } from '../storage/api';
import { CycleQuerier } from './cycle-querier';
import { WindowCache } from './window-cache';

const S = 1000;

/** counting wraps a querier and records every select's range. */
function counting(q: Querier): Querier & { calls: [number, number][] } {
  const calls: [number, number][] = [];
  return Object.assign(Object.create(q) as Querier, {
    calls,
    select: (m: readonly Matcher[], mint: number, maxt: number) => {
      calls.push([mint, maxt]);
      return q.select(m, mint, maxt);
    },
  });
}

async function write(st: MemoryStorage, labels: Labels, points: [number, number][]): Promise<void> {
  const app = st.appender();
  for (const [t, v] of points) app.append(0, labels, t, v);
  await app.commit();
}

const plain = (xs: SeriesData[]) => xs.map((s) => ({ labels: s.labels, t: [...s.t], v: [...s.v] }));

test('WindowCache reads a metric once, then only what is new, and answers like the store', async () => {
  const st = new MemoryStorage();
  const a = { __name__: 'm', instance: 'a' };
  const b = { __name__: 'm', instance: 'b' };
  for (let i = 0; i <= 60; i++) {
    await write(st, a, [[i * 10 * S, i]]);
    if (i % 2 === 0) await write(st, b, [[i * 10 * S, -i]]);
  }
  const base = counting(st.querier());
  const cache = new WindowCache(base, { lateMs: 20 * S });
  const q = new CycleQuerier(base, cache, new Set());
  const sel = (ms: Matcher[], mint: number, maxt: number) => q.select(ms, mint, maxt);
  const name: Matcher = { name: '__name__', type: '=', value: 'm' };
  const inst: Matcher = { name: 'instance', type: '=', value: 'b' };
  assert.deepEqual(
    plain(await sel([name], 300 * S, 600 * S)),
    plain(await st.querier().select([name], 300 * S, 600 * S)),
  );
  assert.deepEqual(base.calls, [[300 * S, 600 * S]]);
  // A narrower range and another label filter come from the window, without a select.
  assert.deepEqual(
    plain(await sel([name, inst], 500 * S, 600 * S)),
    plain(await st.querier().select([name, inst], 500 * S, 600 * S)),
  );
  assert.equal(base.calls.length, 1);
  // New samples (and a late one at 600 s for a new series): only (maxt - lateMs, new maxt] is read.
  const c = { __name__: 'm', instance: 'c' };
  await write(st, c, [[595 * S, 7]]);
  for (let i = 61; i <= 62; i++) await write(st, a, [[i * 10 * S, i]]);
  const got = await sel([name], 320 * S, 620 * S);
  assert.deepEqual(base.calls[1], [580 * S, 620 * S]);
  assert.deepEqual(plain(got), plain(await st.querier().select([name], 320 * S, 620 * S)));
  // A wider range than the window holds reads the store again.
  await sel([name], 0, 620 * S);
  assert.deepEqual(base.calls[2], [0, 620 * S]);
});

test('CycleQuerier sends nameless selects to the store, and reads a written metric again once invalidated', async () => {
  const st = new MemoryStorage();
  await write(st, { __name__: 'rec', x: '1' }, [[0, 1]]);
  const base = counting(st.querier());
  const cache = new WindowCache(base);
  const q = new CycleQuerier(base, cache, new Set(['rec']));
  const rec: Matcher = { name: '__name__', type: '=', value: 'rec' };
  await q.select([rec], 0, 10 * S);
  await q.select([rec], 0, 10 * S);
  await q.select([{ name: 'x', type: '=', value: '1' }], 0, 10 * S);
  assert.equal(base.calls.length, 2);
  // A rule of the group writes rec at 10 s: the next read sees it.
  await write(st, { __name__: 'rec', x: '1' }, [[10 * S, 2]]);
  cache.invalidate('rec', 10 * S);
  assert.deepEqual(plain(await q.select([rec], 0, 10 * S)), [
    { labels: { __name__: 'rec', x: '1' }, t: [0, 10 * S], v: [1, 2] },
  ]);
  assert.equal(base.calls.length, 3);
});

test('WindowCache refreshes every metric it holds with one select per cycle', async () => {
  const st = new MemoryStorage();
  const names = ['a', 'b:rate5m', 'c'];
  for (let i = 0; i <= 10; i++)
    for (const n of names) await write(st, { __name__: n, i: String(i % 3) }, [[i * 10 * S, i]]);
  const base = counting(st.querier());
  const cache = new WindowCache(base, { lateMs: 20 * S });
  const q = new CycleQuerier(base, cache, new Set());
  const sel = (n: string, mint: number, maxt: number) =>
    q.select([{ name: '__name__', type: '=', value: n }], mint, maxt);
  for (const n of names) await sel(n, 0, 100 * S);
  assert.equal(base.calls.length, 3);
  for (let i = 11; i <= 13; i++) {
    for (const n of names) await write(st, { __name__: n, i: String(i % 3) }, [[i * 10 * S, i]]);
    const t = i * 10 * S;
    // Rules of the cycle ask at once: the first one's refresh brings all three windows up.
    const got = await Promise.all(names.map((n) => sel(n, t - 60 * S, t)));
    assert.equal(base.calls.length, 3 + (i - 10));
    for (const [j, n] of names.entries())
      assert.deepEqual(
        plain(got[j]!),
        plain(await st.querier().select([{ name: '__name__', type: '=', value: n }], t - 60 * S, t)),
      );
  }
});

test('WindowCache forgets a metric no rule read for idleMs', async () => {
  const st = new MemoryStorage();
  await write(st, { __name__: 'm' }, [[0, 1]]);
  const base = counting(st.querier());
  const cache = new WindowCache(base, { idleMs: 60 * S });
  await cache.get('m', 0, 10 * S);
  cache.sweep(100 * S);
  await cache.get('m', 0, 10 * S);
  assert.equal(base.calls.length, 2);
});

test('WindowCache stays equal to the store over many refreshes, with late samples and stale markers', async () => {
  const st = new MemoryStorage();
  const name: Matcher = { name: '__name__', type: '=', value: 'm' };
  const base = st.querier();
  const cache = new WindowCache(base, { lateMs: 30 * S });
  const q = new CycleQuerier(base, cache, new Set());
  const held: SeriesData[][] = [];
  const snapshots: ReturnType<typeof plain>[] = [];
  for (let i = 0; i < 40; i++) {
    const t = i * 10 * S;
    await write(st, { __name__: 'm', instance: 'a' }, [[t, i % 7 === 6 ? NaN : i]]);
    // Series b gets its sample one cycle late (a slow scrape): timestamp t - 10 s, committed now.
    if (i > 0) await write(st, { __name__: 'm', instance: 'b' }, [[t - 10 * S, -i]]);
    const mint = t - 120 * S;
    const got = await q.select([name], mint, t);
    assert.deepEqual(plain(got), plain(await base.select([name], mint, t)), `cycle ${i}`);
    // Results handed out earlier do not change under later refreshes.
    held.push(got);
    snapshots.push(plain(got));
    for (let j = 0; j < held.length; j++)
      assert.deepEqual(plain(held[j]!), snapshots[j], `cycle ${j} at ${i}`);
  }
});

test('WindowCache takes what a rule group wrote without reading the store, as a re-read would give', async () => {
  const st = new MemoryStorage();
  const a = { __name__: 'rec', i: 'a' };
  const b = { __name__: 'rec', i: 'b' };
  await write(st, a, [[0, 1]]);
  const base = counting(st.querier());
  const cache = new WindowCache(base);
  const q = new CycleQuerier(base, cache, new Set(['rec']));
  const rec: Matcher = { name: '__name__', type: '=', value: 'rec' };
  await q.select([rec], 0, 10 * S);
  await write(st, a, [[10 * S, 2]]);
  await write(st, b, [[10 * S, 3]]);
  cache.wrote('rec', 10 * S, [
    { labels: a, v: 2 },
    { labels: b, v: 3 },
  ]);
  assert.deepEqual(
    plain(await q.select([rec], 0, 10 * S)),
    plain(await st.querier().select([rec], 0, 10 * S)),
  );
  assert.equal(base.calls.length, 1);
});
