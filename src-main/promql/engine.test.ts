import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Labels } from '../common/labels';
import { STALE_NAN } from '../common/sample';
import type { Matcher } from '../common/matcher';
import { MemoryStorage } from '../storage/memory/memory-storage';
import type { Querier } from '../storage/api';
import { QueryError } from './api';
import { createEngine } from './engine';

const MIN = 60_000;

async function storageWith(series: [Labels, [number, number][]][]): Promise<MemoryStorage> {
  const s = new MemoryStorage();
  const app = s.appender();
  for (const [labels, points] of series) for (const [t, v] of points) app.append(0, labels, t, v);
  await app.commit();
  return s;
}

test('an instant selector looks back 5 minutes and stops at a staleness marker', async () => {
  const s = await storageWith([
    [
      { __name__: 'up', job: 'a' },
      [
        [0, 1],
        [MIN, 1],
        [2 * MIN, STALE_NAN],
      ],
    ],
    [{ __name__: 'up', job: 'b' }, [[0, 7]]],
  ]);
  const engine = createEngine(s.querier());
  const at = async (t: number) => {
    const r = await engine.instantQuery('up', t);
    assert.equal(r.value.type, 'vector');
    return r.value.type === 'vector' ? r.value.samples.map((x) => `${x.labels.job}=${x.v}`).sort() : [];
  };
  assert.deepEqual(await at(90_000), ['a=1', 'b=7']);
  assert.deepEqual(await at(2 * MIN), ['b=7'], 'stale marker hides job a');
  assert.deepEqual(await at(5 * MIN), [], 'the lookback window is left-open: (t-5m, t]');
});

test('a range query evaluates at aligned steps and rate() extrapolates like Prometheus', async () => {
  const points: [number, number][] = [];
  for (let i = 0; i <= 20; i++) points.push([i * 15_000, i * 15]);
  const s = await storageWith([[{ __name__: 'c_total' }, points]]);
  const r = await createEngine(s.querier()).rangeQuery('rate(c_total[1m])', 2 * MIN, 4 * MIN, MIN);
  assert.equal(r.value.type, 'matrix');
  if (r.value.type !== 'matrix') return;
  assert.equal(r.value.series.length, 1);
  assert.deepEqual(r.value.series[0]!.labels, {}, 'rate drops the metric name');
  assert.deepEqual(r.value.series[0]!.t, [2 * MIN, 3 * MIN, 4 * MIN]);
  for (const v of r.value.series[0]!.v) assert.ok(Math.abs(v - 1) < 1e-9, `rate ${v} ≈ 1/s`);
  assert.deepEqual(r.infos, [], 'a _total name is a counter');
});

test('rate() of a non-counter name returns the Prometheus info annotation with its position', async () => {
  const s = await storageWith([
    [
      { __name__: 'temp' },
      [
        [0, 1],
        [MIN, 2],
      ],
    ],
  ]);
  const r = await createEngine(s.querier()).instantQuery('rate(temp[5m])', MIN);
  assert.deepEqual(r.infos, [
    'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "temp" (1:6)',
  ]);
});

test('selectors fetch exactly the range that offset, lookback and subqueries need', async () => {
  const s = await storageWith([[{ __name__: 'x' }, [[0, 1]]]]);
  const calls: [number, number][] = [];
  const inner = s.querier();
  const spy: Querier = {
    ...inner,
    select: (ms: readonly Matcher[], mint: number, maxt: number) => {
      calls.push([mint, maxt]);
      return inner.select(ms, mint, maxt);
    },
  };
  const engine = createEngine(spy);
  await engine.instantQuery('x offset 1m', 10 * MIN);
  await engine.rangeQuery('max_over_time(x[2m])', 10 * MIN, 20 * MIN, MIN);
  await engine.instantQuery('max_over_time(x[10m:1m] offset 1m)', 30 * MIN);
  assert.deepEqual(calls, [
    [4 * MIN, 9 * MIN],
    [8 * MIN, 20 * MIN],
    [14 * MIN, 29 * MIN],
  ]);
});

test('evaluation errors: duplicate label sets, many-to-many matching', async () => {
  const s = await storageWith([
    [{ __name__: 'a', l: 'x' }, [[0, 1]]],
    [{ __name__: 'b', l: 'x' }, [[0, 2]]],
    [{ __name__: 'c', l: 'x', m: '1' }, [[0, 3]]],
    [{ __name__: 'c', l: 'x', m: '2' }, [[0, 4]]],
  ]);
  const engine = createEngine(s.querier());
  await assert.rejects(engine.instantQuery('abs({l="x", __name__=~"a|b"})', 0), {
    message: 'vector cannot contain metrics with the same labelset',
  });
  await assert.rejects(
    engine.instantQuery('a + on(l) c', 0),
    /found duplicate series for the match group \{l="x"\}/,
  );
  const ok = await engine.instantQuery('c + on(l) group_left a', 0);
  assert.equal(ok.value.type === 'vector' && ok.value.samples.length, 2);
});

test('limits: too many samples, timeout and cancellation are QueryErrors of their type', async () => {
  const points: [number, number][] = [];
  for (let i = 0; i < 100; i++) points.push([i * 1000, i]);
  const s = await storageWith([[{ __name__: 'x' }, points]]);
  await assert.rejects(createEngine(s.querier(), { maxSamples: 50 }).instantQuery('x[2m]', 99_000), (e) => {
    assert.ok(e instanceof QueryError);
    assert.equal(e.type, 'too_many_samples');
    assert.equal(e.message, 'query processing would load too many samples into memory in query execution');
    return true;
  });
  await assert.rejects(
    createEngine(s.querier(), { timeoutMs: 1 }).rangeQuery('vector(1)', 0, 1e9, 1000),
    (e) => e instanceof QueryError && e.type === 'timeout',
  );
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(
    createEngine(s.querier()).instantQuery('x', 0, { signal: ac.signal }),
    (e) => e instanceof QueryError && e.type === 'canceled',
  );
});

test('limitk keeps k series per group and limit_ratio(r) and limit_ratio(r-1) are complements', async () => {
  const series: [Labels, [number, number][]][] = [];
  for (let i = 0; i < 40; i++) series.push([{ __name__: 'm', i: String(i), g: String(i % 2) }, [[0, i]]]);
  const engine = createEngine((await storageWith(series)).querier());
  const count = async (q: string) => {
    const r = await engine.instantQuery(q, 0);
    return r.value.type === 'vector' ? r.value.samples.length : -1;
  };
  assert.equal(await count('limitk by (g) (3, m)'), 6);
  assert.equal(await count('limitk(0, m)'), 0);
  assert.equal(await count('limit_ratio(1, m)'), 40);
  const some = await count('limit_ratio(0.3, m)');
  assert.ok(some > 0 && some < 40, `a 0.3 ratio keeps a strict subset (${some})`);
  assert.equal(await count('limit_ratio(0.3, m) or limit_ratio(-0.7, m)'), 40);
  assert.equal(await count('limit_ratio(0.3, m) and limit_ratio(-0.7, m)'), 0);
});
