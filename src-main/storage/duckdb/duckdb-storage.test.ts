import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STALE_NAN, isStaleNaN } from '../../common/sample';
import type { Matcher } from '../../common/matcher';
import { AppendError } from '../api';
import { openDuckDBStorage } from './index';
import { plain, tempStore } from './test-helpers';

const up: Matcher[] = [{ name: '__name__', type: '=', value: 'up' }];

test('DuckDBStorage shows a batch only after commit, drops it on rollback, and keeps it across flush', async (t) => {
  const { st } = await tempStore(t);
  const q = st.querier();
  const app = st.appender();
  const ref = app.append(0, { __name__: 'up', job: 'a' }, 1000, 1);
  app.append(ref, {}, 2000, 0);
  app.append(0, { __name__: 'up', job: 'b' }, 1000, 1);
  assert.deepEqual(await q.select(up, 0, 5000), []);
  await app.commit();
  const expected = [
    ['{"__name__":"up","job":"a"}', [1000, 2000], ['1', '0']],
    ['{"__name__":"up","job":"b"}', [1000], ['1']],
  ];
  assert.deepEqual(plain(await q.select(up, 0, 5000)), expected);
  app.append(ref, {}, 3000, 5);
  app.rollback();
  await app.commit();
  assert.deepEqual(plain(await q.select(up, 0, 5000)), expected);
  await st.flush();
  assert.deepEqual(plain(await q.select(up, 0, 5000)), expected);
  assert.deepEqual(plain(await q.select(up, 1500, 2000)), [
    expected[0]!.map((x, i) => (i === 0 ? x : [...x].slice(1))),
  ]);
  const stats = await st.stats();
  assert.deepEqual([stats.series, stats.samples, stats.headSeries, stats.oldestSampleTime], [2, 3, 2, 1000]);
  assert.ok(stats.bytesOnDisk > 0);
});

test('DuckDBStorage refuses out-of-order and conflicting duplicate samples, also across appenders', async (t) => {
  const { st } = await tempStore(t);
  const a = st.appender();
  const ref = a.append(0, { __name__: 'x' }, 2000, 1);
  assert.throws(
    () => a.append(ref, {}, 1000, 1),
    (e: unknown) => e instanceof AppendError && e.kind === 'out_of_order',
  );
  assert.throws(
    () => a.append(ref, {}, 2000, 1),
    (e: unknown) => e instanceof AppendError && e.kind === 'duplicate',
  );
  await a.commit();
  // The same sample again is accepted silently; another value at the same time is not.
  const b = st.appender();
  assert.equal(b.append(ref, {}, 2000, 1), ref);
  assert.throws(
    () => b.append(ref, {}, 2000, 2),
    (e: unknown) => e instanceof AppendError && e.kind === 'duplicate',
  );
  assert.throws(
    () => b.append(0, {}, 3000, 1),
    (e: unknown) => e instanceof AppendError && e.kind === 'invalid',
  );
  assert.throws(
    () => b.append(ref, {}, NaN, 1),
    (e: unknown) => e instanceof AppendError && e.kind === 'invalid',
  );
  // Two appenders racing on one series: the second commit is refused whole.
  const c1 = st.appender();
  const c2 = st.appender();
  c1.append(ref, {}, 3000, 1);
  c2.append(0, { __name__: 'y' }, 3000, 1);
  c2.append(ref, {}, 3000, 9);
  await c1.commit();
  await assert.rejects(c2.commit(), (e: unknown) => e instanceof AppendError && e.kind === 'duplicate');
  const got = await st.querier().select([{ name: '__name__', type: '=~', value: 'x|y' }], 0, 9999);
  assert.deepEqual(plain(got), [['{"__name__":"x"}', [2000, 3000], ['1', '1']]]);
});

test('DuckDBStorage round-trips stale markers, NaN and ±Inf through buffer, head, blocks and reopen', async (t) => {
  const { st, reopen } = await tempStore(t, { blockMs: 10_000, compactDelayMs: 0 });
  const app = st.appender();
  const values = [1, STALE_NAN, NaN, Infinity, -Infinity, -0, 5e-324, 1.7976931348623157e308];
  let ref = 0;
  for (let i = 0; i < 24; i++) ref = app.append(ref, { __name__: 'v' }, i * 1000, values[i % values.length]!);
  await app.commit();
  const check = async (where: string, s = st): Promise<void> => {
    const [got] = await s.querier().select([{ name: '__name__', type: '=', value: 'v' }], 0, 1e9);
    assert.equal(got!.t.length, 24, where);
    for (let i = 0; i < 24; i++) {
      const want = values[i % values.length]!;
      const v = got!.v[i]!;
      assert.equal(isStaleNaN(v), isStaleNaN(want), `${where}: stale flag at ${i}`);
      assert.ok(
        Object.is(v, want) || (Number.isNaN(v) && Number.isNaN(want)),
        `${where}: ${v} != ${want} at ${i}`,
      );
    }
  };
  await check('write buffer');
  await st.flush();
  await check('head table');
  await st.maintain();
  assert.ok(st.blocks.length >= 1, 'a block was compacted');
  await check('blocks + head');
  const st2 = await reopen();
  await check('reopened', st2);
});

test('DuckDBStorage reopens with its series, samples, metadata and per-series order', async (t) => {
  const { st, reopen } = await tempStore(t, { blockMs: 60_000, compactDelayMs: 0 });
  const app = st.appender();
  let a = 0;
  let b = 0;
  for (let i = 0; i < 200; i++) {
    a = app.append(a, { __name__: 'm', host: 'a' }, i * 1000, i);
    if (i % 2 === 0) b = app.append(b, { __name__: 'm', host: 'b' }, i * 1000, -i);
  }
  app.setMetadata('m', { type: 'gauge', help: 'first', unit: '' });
  app.setMetadata('m', { type: 'counter', help: 'latest wins', unit: 'bytes' });
  await app.commit();
  await st.flush();
  await st.maintain();
  const before = plain(await st.querier().select([{ name: 'host', type: '!=', value: '' }], 0, 1e9));
  const st2 = await reopen();
  const q = st2.querier();
  assert.deepEqual(plain(await q.select([{ name: 'host', type: '!=', value: '' }], 0, 1e9)), before);
  assert.deepEqual(
    await q.metadata('m'),
    new Map([['m', { type: 'counter', help: 'latest wins', unit: 'bytes' }]]),
  );
  const app2 = st2.appender();
  assert.throws(() => app2.append(0, { __name__: 'm', host: 'a' }, 150_000, 1), AppendError);
  const ref = app2.append(0, { host: 'a', __name__: 'm' }, 200_000, 7);
  assert.equal(ref, app2.append(0, { __name__: 'm', host: 'a' }, 201_000, 8), 'same series, same ref');
  await app2.commit();
  assert.equal((await st2.stats()).series, 2);
});

test('openDuckDBStorage refuses bad options with the name of the field', async () => {
  await assert.rejects(openDuckDBStorage({ dir: '' }), /"dir"/);
  await assert.rejects(
    openDuckDBStorage({ dir: '/tmp/x', retentionMs: -1 }),
    /"retentionMs": expected a positive number/,
  );
  await assert.rejects(openDuckDBStorage({ dir: '/tmp/x', memoryLimit: 'lots' }), /"memoryLimit"/);
});

test('DuckDBStorage refuses work after close with a clear error', async (t) => {
  const { st } = await tempStore(t);
  await st.close();
  assert.throws(() => st.appender(), /is closed/);
  await st.close();
});

test('DuckDBStorage flushes and compacts on its own timer', async (t) => {
  const { st } = await tempStore(t, { flushIntervalMs: 20, blockMs: 10_000, compactDelayMs: 0 });
  const app = st.appender();
  let ref = 0;
  for (let i = 0; i < 30; i++) ref = app.append(ref, { __name__: 'timer' }, i * 1000, i);
  await app.commit();
  const deadline = Date.now() + 10_000;
  while (st.blocks.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(st.blocks.length, 2, 'the two closed windows were compacted in the background');
  assert.equal(st.lastFlushError, null);
  const [got] = await st.querier().select([{ name: '__name__', type: '=', value: 'timer' }], 0, 1e9);
  assert.deepEqual(
    [...got!.v],
    Array.from({ length: 30 }, (_, i) => i),
  );
});
