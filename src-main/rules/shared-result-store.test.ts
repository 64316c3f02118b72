import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../promql/engine';
import { MemoryStorage } from '../storage/memory/memory-storage';
import { CycleQuerier } from './cycle-querier';
import { createRuleManager } from './manager';
import { SharedResultStore } from './shared-result-store';
import { thresholdGroup } from './threshold';
import { WindowCache } from './window-cache';

const S = 1000;

test('SharedResultStore keeps the latest times and stops keeping past its sample budget', () => {
  const store = new SharedResultStore({ maxSamples: 3, keepTimes: 2 });
  const vec = (n: number) => ({ type: 'vector', samples: Array.from({ length: n }, () => ({})) });
  const a = store.at(10);
  a.set('x', vec(2));
  a.set('y', vec(2)); // past the budget of 3: not kept
  assert.ok(a.get('x') !== undefined);
  assert.equal(a.get('y'), undefined);
  assert.equal(store.at(10), a);
  store.at(20);
  store.at(30);
  // Time 10 was dropped: asking for it again gives an empty slot.
  assert.equal(store.at(10).get('x'), undefined);
});

/** run evaluates threshold rules (warning + critical on shared expressions) and returns what they wrote. */
async function run(maxSamples: number) {
  const st = new MemoryStorage();
  const app = st.appender();
  for (let k = 0; k <= 40; k++)
    for (let h = 0; h < 5; h++) {
      app.append(0, { __name__: 'net_bytes_total', instance: `h${h}` }, k * 10 * S, k * 10 * 1000 * (h + 1));
      app.append(0, { __name__: 'load1', instance: `h${h}` }, k * 10 * S, (k % 5) + h);
    }
  await app.commit();
  const rules = ['rate(net_bytes_total[1m])', 'max_over_time(load1[2m])'].flatMap((expr, i) =>
    [1, 2, 3].map((k) => ({
      name: `R${i}x${k}`,
      expr,
      op: '>' as const,
      warn: 1000 * k ** 2 * (i === 0 ? 1 : 0.001),
      critical: 2000 * k ** 2 * (i === 0 ? 1 : 0.001),
      forMs: 0,
      summary: '{{ $labels.instance }} {{ $value }}',
    })),
  );
  const sent: string[] = [];
  const m = await createRuleManager(
    {
      engine: createEngine(st.querier()),
      engineFor: (q) => createEngine(q),
      sharedResults: { maxSamples },
      storage: st,
      send: (a) => sent.push(...a.map((x) => JSON.stringify([x.labels, x.annotations]))),
      evaluationIntervalMs: 10 * S,
      autoRun: false,
      builtin: () => [
        thresholdGroup('a', 'test', rules.slice(0, 3)),
        thresholdGroup('b', 'test', rules.slice(3)),
      ],
      log: () => {},
    },
    [],
  );
  for (let k = 30; k <= 40; k++) await m.evaluateAt(k * 10 * S + 2 * S);
  const alerts = await createEngine(st.querier()).instantQuery('ALERTS', 402 * S);
  await m.stop();
  return { sent: sent.sort(), alerts: JSON.stringify(alerts.value) };
}

test('rules sharing subexpression results fire and write exactly as without sharing', async () => {
  const shared = await run(2e6);
  const alone = await run(0);
  assert.ok(shared.sent.length > 0);
  assert.deepEqual(shared, alone);
});

test('the engine finds the shared results on a CycleQuerier, except for what the group writes', async () => {
  const st = new MemoryStorage();
  const app = st.appender();
  for (let k = 0; k <= 30; k++) {
    app.append(0, { __name__: 'c_total', i: '1' }, k * 10 * S, k * 5);
    app.append(0, { __name__: 'rec', i: '1' }, k * 10 * S, k);
  }
  await app.commit();
  const slot = new SharedResultStore().at(300 * S);
  const q = new CycleQuerier(st.querier(), new WindowCache(st.querier()), new Set(['rec']), slot);
  const engine = createEngine(q);
  await engine.instantQuery('rate(c_total[1m]) > 0', 300 * S);
  const kept = slot.size;
  assert.ok(kept > 0);
  await engine.instantQuery('rate(c_total[1m]) > 0.1', 300 * S);
  // Only the new top-level comparison is added: rate(c_total[1m]) came from the slot.
  assert.equal(slot.size, kept + 1);
  await engine.instantQuery('abs(rec) > 0', 300 * S);
  assert.equal(slot.size, kept + 1);
});
