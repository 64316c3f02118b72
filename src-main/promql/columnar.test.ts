import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Labels } from '../common/labels';
import { matchesAll } from '../common/matcher';
import { STALE_NAN } from '../common/sample';
import type { Querier, SeriesData } from '../storage/api';
import type { QueryResult } from './api';
import { columnarStats, columnarSupported } from './columnar';
import { createEngine } from './engine';
import { parseExpr } from './parse';

const T0 = 1_700_000_000_000;
const STEP = 15_000;

/** rand is a small deterministic PRNG (mulberry32), so every run checks the same data. */
function rand(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * fleet makes counters with resets, gauges with NaN, gaps and staleness markers, ties, and classic
 * histogram buckets, over two instances: the cases where evaluation order and window edges matter.
 */
function fleet(): SeriesData[] {
  const r = rand(42);
  const out: SeriesData[] = [];
  const add = (labels: Labels, value: (i: number, prev: number) => number, n = 400): void => {
    const t: number[] = [];
    const v: number[] = [];
    let prev = 0;
    for (let i = 0; i < n; i++) {
      if (r() < 0.05) continue; // a missed scrape
      const x = value(i, prev);
      t.push(T0 + i * STEP + (r() < 0.1 ? Math.floor(r() * 3000) : 0));
      v.push(x);
      if (!Number.isNaN(x)) prev = x;
    }
    out.push({ labels, t: Float64Array.from(t), v: Float64Array.from(v) });
  };
  for (const instance of ['a', 'b'])
    for (const mode of ['idle', 'user', 'system']) {
      add({ __name__: 'cpu_total', instance, mode }, (i, p) =>
        i % 97 === 50 ? 0 : p + Math.round(r() * 1000) / 100,
      );
      add({ __name__: 'gauge', instance, mode }, (i) =>
        i % 53 === 7 ? NaN : i > 300 && mode === 'system' ? STALE_NAN : Math.round(r() * 8),
      );
    }
  for (const instance of ['a', 'b'])
    for (const le of ['0.1', '0.5', '1', '+Inf']) {
      let c = 0;
      add(
        { __name__: 'lat_bucket', instance, le },
        () => (c += Math.floor(r() * 10 * Number(le === '+Inf' ? 20 : le))),
      );
    }
  return out.sort((x, y) => (JSON.stringify(x.labels) < JSON.stringify(y.labels) ? -1 : 1));
}

const data = fleet();
const querier: Querier = {
  select: async (m, mint, maxt) =>
    data
      .filter((s) => matchesAll(m, s.labels))
      .map((s) => {
        const keep = [...s.t.keys()].filter((i) => s.t[i]! >= mint && s.t[i]! <= maxt);
        return {
          labels: s.labels,
          t: Float64Array.from(keep, (i) => s.t[i]!),
          v: Float64Array.from(keep, (i) => s.v[i]!),
        };
      })
      .filter((s) => s.t.length > 0),
  series: async () => [],
  labelNames: async () => [],
  labelValues: async () => [],
  metadata: async () => new Map(),
};

const QUERIES = [
  'cpu_total',
  'gauge offset 2m',
  'gauge @ 1700000600',
  'rate(cpu_total[1m])',
  'increase(cpu_total[2m] offset 1m)',
  'irate(cpu_total[1m])',
  'delta(gauge[3m])',
  'avg_over_time(gauge[2m])',
  'max_over_time(gauge[2m])',
  'count_over_time(gauge[2m])',
  'last_over_time(gauge[90s])',
  'sum by (instance) (rate(cpu_total{mode!="idle"}[1m]))',
  '1 - avg by (instance) (rate(cpu_total{mode="idle"}[1m]))',
  'avg(gauge)',
  'min without (mode) (gauge)',
  'max by (mode) (gauge)',
  'count(gauge)',
  'group by (instance) (gauge)',
  'sum(sum by (mode) (gauge))',
  'topk(2, gauge)',
  'bottomk(1, gauge)',
  'topk(2, sum by (instance, mode) (rate(cpu_total[1m])))',
  'gauge > 3',
  'gauge > bool 3',
  '2 * gauge',
  '-gauge',
  'gauge / on (instance, mode) rate(cpu_total[1m])',
  'gauge{mode="user"} == ignoring (mode) gauge{mode="idle"}',
  'sum by (instance) (gauge + gauge)',
  'rate(cpu_total[1m]) > bool on (instance, mode) gauge',
  'histogram_quantile(0.9, sum by (le) (rate(lat_bucket[2m])))',
  'histogram_quantile(0.5, rate(lat_bucket[2m]))',
  'histogram_quantile(1.5, sum by (instance, le) (rate(lat_bucket[2m])))',
  '1 + 2',
];

/** same asserts two results are equal bit for bit (Object.is on every value), annotations included. */
function same(a: QueryResult, b: QueryResult, q: string): void {
  assert.deepEqual(new Set(a.warnings), new Set(b.warnings), `${q}: warnings`);
  assert.deepEqual(new Set(a.infos), new Set(b.infos), `${q}: infos`);
  assert.equal(a.value.type, 'matrix');
  assert.equal(b.value.type, 'matrix');
  if (a.value.type !== 'matrix' || b.value.type !== 'matrix') return;
  assert.equal(a.value.series.length, b.value.series.length, `${q}: series count`);
  a.value.series.forEach((s, i) => {
    const o = b.value.type === 'matrix' ? b.value.series[i]! : undefined;
    assert.deepEqual(s.labels, o?.labels, `${q}: labels`);
    assert.deepEqual(s.t, o?.t, `${q}: times of ${JSON.stringify(s.labels)}`);
    s.v.forEach((v, j) => assert.ok(Object.is(v, o?.v[j]), `${q}: value ${v} vs ${o?.v[j]} at ${s.t[j]}`));
  });
}

test('columnar range evaluation gives the step evaluator’s results bit for bit', async () => {
  const step = createEngine(querier, { columnarMaxCells: 0 });
  const columnar = createEngine(querier);
  for (const q of QUERIES) {
    assert.ok(columnarSupported(parseExpr(q)), `${q} has a columnar form`);
    for (const [start, end, stepMs] of [
      [T0 + 60_000, T0 + 5_900_000, 60_000],
      [T0 + 7_000, T0 + 3_000_000, 20_000],
    ] as const) {
      const used = columnarStats.used;
      const got = await columnar.rangeQuery(q, start, end, stepMs);
      assert.equal(columnarStats.used, used + 1, `${q} was evaluated by columns`);
      same(got, await step.rangeQuery(q, start, end, stepMs), q);
    }
  }
});

test('shapes without a columnar form, or over too many cells, are evaluated step by step', async () => {
  for (const q of [
    'gauge and cpu_total',
    'sum(topk(1, gauge))',
    'quantile(0.5, gauge)',
    'rate(cpu_total[5m:1m])',
  ])
    assert.equal(columnarSupported(parseExpr(q)), false, q);
  const step = createEngine(querier, { columnarMaxCells: 0 });
  const small = createEngine(querier, { columnarMaxCells: 10 });
  const q = 'sum by (instance) (rate(cpu_total[1m]))';
  same(
    await small.rangeQuery(q, T0, T0 + 600_000, 60_000),
    await step.rangeQuery(q, T0, T0 + 600_000, 60_000),
    q,
  );
});

test('errors are the step evaluator’s: columnar evaluation gives way where one may arise', async () => {
  const engine = createEngine(querier);
  const window = [T0, T0 + 600_000, 60_000] as const;
  // Two series equal once their names are dropped: found when the engine merges the output.
  await assert.rejects(
    engine.rangeQuery('{__name__=~"gauge|cpu_total", mode="user"} * 1', ...window),
    /same labelset/,
  );
  const gaveWay = columnarStats.gaveWay;
  await assert.rejects(
    engine.rangeQuery('gauge / on (instance) gauge{mode="idle"}', ...window),
    /many-to-one matching must be explicit/,
  );
  assert.equal(columnarStats.gaveWay, gaveWay + 1);
});

test('the sample limit applies to columnar evaluation as to the step evaluator', async () => {
  const engine = createEngine(querier, { maxSamples: 20 });
  await assert.rejects(
    engine.rangeQuery('rate(cpu_total[2m])', T0, T0 + 600_000, 60_000),
    /too many samples/,
  );
});
