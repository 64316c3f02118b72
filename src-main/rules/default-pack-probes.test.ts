import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../promql/engine';
import { MemoryStorage } from '../storage/memory/memory-storage';
import { defaultPackRules } from './default-pack';
import { compileThreshold } from './threshold';

const S = 1000;
const DAY = 86_400;

/** firing evaluates a pack rule's compiled expression of one severity at t and lists the instances. */
async function firing(storage: MemoryStorage, alert: string, severity: string, t: number): Promise<string[]> {
  const rule = defaultPackRules().find((r) => r.name === alert)!;
  const def = compileThreshold(rule).find((d) => d.labels.severity === severity)!;
  const r = await createEngine(storage.querier()).instantQuery(def.expr, t);
  assert.equal(r.value.type, 'vector');
  return r.value.type === 'vector' ? r.value.samples.map((s) => s.labels.instance!).sort() : [];
}

test('the probe rules of the default pack: failing checks, certificates within 14 / 3 days, slow checks', async () => {
  const storage = new MemoryStorage();
  const app = storage.appender();
  const t = 1_800_000_000 * S;
  const series = (name: string, instance: string, v: number): void => {
    for (let i = 0; i <= 30; i++)
      app.append(0, { __name__: name, job: 'web', instance }, t - (30 - i) * 10 * S, v);
  };
  series('probe_success', 'ok', 1);
  series('probe_success', 'down', 0);
  series('probe_success', 'slow', 1);
  series('probe_ssl_earliest_cert_expiry', 'ok', t / S + 60 * DAY);
  series('probe_ssl_earliest_cert_expiry', 'soon', t / S + 10 * DAY);
  series('probe_ssl_earliest_cert_expiry', 'now', t / S + 2 * DAY);
  series('probe_duration_seconds', 'ok', 0.05);
  series('probe_duration_seconds', 'down', 9); // a failing check is ProbeFailing, not ProbeSlow
  series('probe_duration_seconds', 'slow', 3);
  await app.commit();

  assert.deepEqual(await firing(storage, 'ProbeFailing', 'critical', t), ['down']);
  assert.deepEqual(await firing(storage, 'CertificateExpiring', 'warning', t), ['now', 'soon']);
  assert.deepEqual(await firing(storage, 'CertificateExpiring', 'critical', t), ['now']);
  assert.deepEqual(await firing(storage, 'ProbeSlow', 'warning', t), ['slow']);
  assert.deepEqual(await firing(storage, 'ProbeSlow', 'critical', t), []);
});
