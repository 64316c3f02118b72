import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Querier } from '../storage/api';
import { MemoryStorage } from '../storage/memory/memory-storage';
import { createEngine } from './engine';
import type { SharedResults } from './shared-results';
import type { Value } from './values';

const S = 1000;

/** store has counters m{i="0".."3"} (rising at i+1 per second) and a gauge g, every 10 s for 10 min. */
async function store(): Promise<MemoryStorage> {
  const st = new MemoryStorage();
  const app = st.appender();
  for (let k = 0; k <= 60; k++) {
    for (let i = 0; i < 4; i++)
      app.append(0, { __name__: 'm_total', i: String(i) }, k * 10 * S, k * 10 * (i + 1));
    app.append(0, { __name__: 'g', i: '0' }, k * 10 * S, k % 7);
  }
  await app.commit();
  return st;
}

/** sharing wraps a querier with a SharedResults that counts hits; `unstable` names are never shared. */
function sharing(q: Querier, unstable: string[] = []) {
  const entries = new Map<string, Value>();
  const counts = { hits: 0, sets: 0 };
  const shared: SharedResults = {
    stable: (m) => !unstable.includes(m),
    get: (k) => {
      const v = entries.get(k);
      if (v !== undefined) counts.hits++;
      return v;
    },
    set: (k, v) => {
      counts.sets++;
      entries.set(k, v);
    },
  };
  return { querier: Object.assign(Object.create(q) as Querier, { sharedResults: shared }), counts };
}

const plain = async (e: ReturnType<typeof createEngine>, q: string, t: number) =>
  JSON.stringify((await e.instantQuery(q, t)).value);

test('instant queries at one time share subexpression results and answer as without sharing', async () => {
  const st = await store();
  const { querier, counts } = sharing(st.querier());
  const shared = createEngine(querier);
  const alone = createEngine(st.querier());
  const t = 600 * S;
  const queries = [
    '(rate(m_total[5m])) > 2',
    '(rate(m_total[5m])) > 3',
    'sort_desc(rate(m_total[5m]))',
    'sum by (i) (rate(m_total[5m])) / on (i) rate(m_total[5m])',
    '(rate(m_total[5m])) > 2',
  ];
  for (const q of queries) assert.equal(await plain(shared, q, t), await plain(alone, q, t), q);
  // rate(m_total[5m]) was evaluated once; every later query reused it (sort_desc did not reorder it).
  assert.ok(counts.hits >= 5, `hits ${counts.hits}`);
  assert.equal(await plain(shared, 'rate(m_total[5m])', t), await plain(alone, 'rate(m_total[5m])', t));
  // Another time is another result.
  const before = counts.sets;
  assert.equal(
    await plain(shared, '(rate(m_total[5m])) > 2', t - 10 * S),
    await plain(alone, '(rate(m_total[5m])) > 2', t - 10 * S),
  );
  assert.ok(counts.sets > before);
});

test('subexpressions over metrics that are not stable, or without a metric name, are not shared', async () => {
  const st = await store();
  const { querier, counts } = sharing(st.querier(), ['g']);
  const e = createEngine(querier);
  await e.instantQuery('abs(g) > 1', 600 * S);
  await e.instantQuery('abs(g) > 2', 600 * S);
  await e.instantQuery('count({i="0"})', 600 * S);
  await e.instantQuery('count({i="0"})', 600 * S);
  assert.deepEqual(counts, { hits: 0, sets: 0 });
});

test('range queries do not use shared results', async () => {
  const st = await store();
  const { querier, counts } = sharing(st.querier());
  await createEngine(querier).rangeQuery('rate(m_total[5m])', 300 * S, 600 * S, 60 * S);
  assert.deepEqual(counts, { hits: 0, sets: 0 });
});
