import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STALE_NAN } from '../../common/sample';
import type { Matcher } from '../../common/matcher';
import type { Storage } from '../api';
import { MemoryStorage } from '../memory/memory-storage';
import { kRanges } from './block-catalog';
import { plain, tempStore } from './test-helpers';

/** fill writes the same pseudo-random, gappy, jittered data into each store (scrapes of 3 jobs). */
async function fill(stores: Storage[], from: number, to: number): Promise<void> {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const refs = stores.map(() => new Map<string, number>());
  for (let t = from; t < to; t += 1000) {
    const apps = stores.map((s) => s.appender());
    for (const job of ['api', 'db', 'web']) {
      for (let i = 0; i < 8; i++) {
        const draw = rnd();
        if (job === 'web' && i > 3 && t > (from + to) / 2) continue; // series that stop half-way
        if (draw < 0.1) continue; // missed scrapes
        const labels = {
          __name__: i % 2 === 0 ? 'req_total' : 'mem_bytes',
          job,
          i: String(i),
          ...(i === 5 ? { env: 'x' } : {}),
        };
        const ts = t + Math.floor(draw * 7);
        const v = draw < 0.12 ? STALE_NAN : Math.round(draw * 1e6) / 100;
        apps.forEach((a, k) => {
          const key = JSON.stringify(labels);
          refs[k]!.set(key, a.append(refs[k]!.get(key) ?? 0, labels, ts, v));
        });
      }
    }
    for (const a of apps) await a.commit();
  }
}

const selectors: Matcher[][] = [
  [{ name: '__name__', type: '=', value: 'req_total' }],
  [{ name: 'job', type: '!=', value: 'db' }],
  [
    { name: '__name__', type: '=~', value: 'mem.*' },
    { name: 'i', type: '!~', value: '1|3' },
  ],
  [
    { name: 'env', type: '=', value: '' },
    { name: 'job', type: '=~', value: 'web|api' },
  ],
  [{ name: 'env', type: '!=', value: '' }],
];
const ranges: [number, number][] = [
  [0, 1e9],
  [9_500, 10_499], // across a block boundary
  [15_000, 15_000],
  [31_000, 52_345],
  [59_000, 70_000],
];

test('compaction keeps select results identical to the reference store, across block boundaries', async (t) => {
  const { st, reopen } = await tempStore(t, { blockMs: 10_000, compactDelayMs: 3_000 });
  const ref = new MemoryStorage();
  await fill([st, ref], 0, 60_000);
  const compare = async (where: string, s: Storage): Promise<void> => {
    for (const ms of selectors)
      for (const [lo, hi] of ranges)
        assert.deepEqual(
          plain(await s.querier().select(ms, lo, hi)),
          plain(await ref.querier().select(ms, lo, hi)),
          `${where}: ${JSON.stringify(ms)} in [${lo}, ${hi}]`,
        );
  };
  await compare('write buffer', st);
  await st.flush();
  await compare('head', st);
  await st.maintain();
  assert.equal(st.blocks.length, 5, 'windows closed 3 s before the newest sample are compacted');
  await compare('blocks + head', st);
  // A late sample for a window that is already a block starts a second block for that window.
  const late = st.appender();
  const lateRef = ref.appender();
  for (const a of [late, lateRef]) a.append(0, { __name__: 'req_total', job: 'late' }, 4_000, 1);
  await late.commit();
  await lateRef.commit();
  await st.flush();
  await st.maintain({ compactAll: true });
  await compare('all compacted', st);
  await compare('reopened', await reopen());
});

test('series, labelNames and labelValues answer all four matcher types like the reference store', async (t) => {
  const { st } = await tempStore(t, { blockMs: 10_000, compactDelayMs: 0 });
  const ref = new MemoryStorage();
  await fill([st, ref], 0, 30_000);
  await st.flush();
  await st.maintain();
  const q = st.querier();
  const r = ref.querier();
  for (const ms of selectors) {
    assert.deepEqual(await q.series([ms], 0, 1e9), await r.series([ms], 0, 1e9), JSON.stringify(ms));
    assert.deepEqual(await q.labelNames([ms], 0, 1e9), await r.labelNames([ms], 0, 1e9));
    assert.deepEqual(await q.labelValues('i', [ms], 0, 1e9), await r.labelValues('i', [ms], 0, 1e9));
  }
  assert.deepEqual(await q.labelValues('job', [], 0, 1e9), ['api', 'db', 'web']);
  assert.deepEqual(await q.labelNames([], 0, 1e9), ['__name__', 'env', 'i', 'job']);
  assert.deepEqual(
    await q.series(selectors.slice(0, 2), 0, 1e9, 3),
    await r.series(selectors.slice(0, 2), 0, 1e9, 3),
  );
  // Series that stopped half-way are not listed for a later range.
  const late = await q.series([[{ name: 'job', type: '=', value: 'web' }]], 25_000, 30_000);
  assert.deepEqual(late.map((l) => l.i).sort(), ['0', '1', '2', '3']);
});

test('retention drops whole old blocks, their tables and their samples', async (t) => {
  const { st } = await tempStore(t, { blockMs: 10_000, compactDelayMs: 0, retentionMs: 25_000 });
  await fill([st], 0, 60_000);
  await st.flush();
  await st.maintain();
  const oldest = (await st.stats()).oldestSampleTime!;
  assert.ok(oldest >= 60_000 - 25_000 - 10_000 && oldest < 60_000 - 25_000, `oldest sample ${oldest}`);
  const tables = await st.conn.runAndReadAll(
    "SELECT table_name FROM duckdb_tables() WHERE regexp_matches(table_name, '^b[0-9]+(_series)?$') ORDER BY 1",
  );
  assert.deepEqual(
    tables.getRows().map((r) => r[0]),
    st.blocks.flatMap((b) => [`b${b.seq}`, `b${b.seq}_series`]).sort(),
  );
  assert.ok(st.blocks.every((b) => b.maxt >= 60_000 - 25_000 - 1000));
  const got = await st.querier().select([{ name: 'job', type: '=~', value: '.+' }], 0, 1e9);
  assert.ok(got.length > 0 && got.every((s) => s.t[0]! >= oldest));
  // Expired data is gone from the index's answers too.
  assert.deepEqual(await st.querier().series([], 0, oldest - 1), []);
  assert.deepEqual(await st.querier().labelValues('job', [], 0, oldest - 1), []);
});

test('kRanges merges nearby ranks and caps the number of ranges', () => {
  assert.deepEqual(kRanges([1, 2, 3, 10]), [[1, 10]]);
  assert.deepEqual(kRanges([0, 1000, 1001, 5000]), [
    [0, 0],
    [1000, 1001],
    [5000, 5000],
  ]);
  const many = Array.from({ length: 100 }, (_, i) => i * 1000);
  const r = kRanges(many);
  assert.equal(r.length, 16);
  assert.deepEqual([r[0]![0], r[r.length - 1]![1]], [0, 99_000]);
});

test('retention lets DuckDB reuse the space of dropped blocks, so the file stops growing', async (t) => {
  const { st } = await tempStore(t, { blockMs: 60_000, compactDelayMs: 0, retentionMs: 180_000 });
  const refs = new Array<number>(300).fill(0);
  const sizes: number[] = [];
  for (let w = 0; w < 24; w++) {
    for (let s = 0; s < 60; s++) {
      const ts = (w * 60 + s) * 1000;
      const app = st.appender();
      for (let i = 0; i < refs.length; i++)
        refs[i] = app.append(refs[i]!, { __name__: 'g', i: String(i) }, ts, (ts / 1000) * (i + 1) + 0.5);
      await app.commit();
    }
    await st.flush();
    await st.maintain();
    sizes.push((await st.stats()).bytesOnDisk);
  }
  t.diagnostic(`file size after each window: ${sizes.join(' ')}`);
  assert.ok(st.blocks.length <= 4, `${st.blocks.length} blocks kept`);
  // Past warm-up (retention reached after 4 windows), the file must not keep growing with the data.
  const warm = Math.max(...sizes.slice(6, 10));
  const last = sizes[sizes.length - 1]!;
  assert.ok(last <= warm * 1.25, `file grew from ${warm} to ${last} B: ${sizes.join(' ')}`);
});

test('flushes and queries during a compaction lose nothing and see nothing twice', async (t) => {
  const { st } = await tempStore(t, { blockMs: 20_000, compactDelayMs: 0 });
  const ref = new MemoryStorage();
  await fill([st, ref], 0, 40_000);
  await st.flush();
  // Compaction of the closed windows runs while more scrapes are committed, flushed and queried.
  const compacting = st.maintain();
  const all: Matcher[] = [{ name: 'job', type: '=~', value: '.+' }];
  const counts: number[] = [];
  await fill([st, ref], 40_000, 46_000);
  for (let i = 0; i < 5; i++) {
    await st.flush();
    const got = await st.querier().select(all, 0, 1e9);
    counts.push(got.reduce((n, s) => n + s.t.length, 0));
  }
  await compacting;
  const want = plain(await ref.querier().select(all, 0, 1e9));
  const total = want.reduce((n, s) => n + s[1].length, 0);
  assert.deepEqual(
    counts,
    counts.map(() => total),
    'every query saw every committed sample once',
  );
  assert.ok(st.blocks.length >= 1);
  assert.deepEqual(plain(await st.querier().select(all, 0, 1e9)), want);
});
