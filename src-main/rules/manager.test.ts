import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Labels } from '../common/labels';
import { createEngine } from '../promql/engine';
import { MemoryStorage } from '../storage/memory/memory-storage';
import type { NotifierAlert } from './api';
import { createRuleManager } from './manager';
import { AlertStateFile } from './state-file';

const S = 1000;

async function setup(
  t: { after(f: () => Promise<void>): void },
  rules: string,
  points: [Labels, [number, number][]][],
) {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-rules-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'rules.yml');
  await writeFile(file, rules);
  const storage = new MemoryStorage();
  const app = storage.appender();
  for (const [labels, ps] of points) for (const [ts, v] of ps) app.append(0, labels, ts, v);
  await app.commit();
  const engine = createEngine(storage.querier());
  const sent: NotifierAlert[][] = [];
  const start = (state?: AlertStateFile) =>
    createRuleManager(
      {
        engine,
        // Rules read through the window cache, as wired in the appliance.
        engineFor: (q) => createEngine(q),
        storage,
        send: (a) => sent.push(a),
        evaluationIntervalMs: 10 * S,
        autoRun: false,
        state,
        externalLabels: { site: 'lab' },
        log: () => {},
      },
      [file],
    );
  const query = async (expr: string, ts: number) => {
    const r = await engine.instantQuery(expr, ts);
    return r.value.type === 'vector' ? r.value.samples.map((s) => [s.labels.alertstate ?? '', s.v]) : [];
  };
  return { dir, file, storage, engine, sent, start, query };
}

/** upSeries is up{instance="a"}: 1 until 50 s, 0 from 60 s to 140 s, 1 again from 150 s. */
const upSeries: [Labels, [number, number][]][] = [
  [
    { __name__: 'up', instance: 'a', job: 'node' },
    Array.from({ length: 30 }, (_, i): [number, number] => [i * 10 * S, i >= 6 && i < 15 ? 0 : 1]),
  ],
];

const HOST_DOWN = `groups:
  - name: g
    rules:
      - alert: HostDown
        expr: up == 0
        for: 30s
        labels: { severity: critical }
        annotations: { summary: "{{ $labels.instance }} down ({{ $value }})" }
`;

test('inactive → pending → firing → resolved as Prometheus, with ALERTS and ALERTS_FOR_STATE', async (t) => {
  const h = await setup(t, HOST_DOWN, upSeries);
  const m = await h.start();
  t.after(() => m.stop());
  await m.evaluateAt(50 * S);
  assert.deepEqual(m.alerts(), []);
  await m.evaluateAt(60 * S);
  assert.equal(m.alerts()[0]!.state, 'pending');
  assert.deepEqual(await h.query('ALERTS', 60 * S), [['pending', 1]]);
  assert.deepEqual(await h.query('ALERTS_FOR_STATE', 60 * S), [['', 60]]);
  assert.equal(h.sent.length, 0, 'pending alerts are not sent');
  await m.evaluateAt(80 * S);
  assert.equal(m.alerts()[0]!.state, 'pending', 'for: 30s not yet met at 20 s');
  await m.evaluateAt(90 * S);
  assert.equal(m.alerts()[0]!.state, 'firing');
  assert.deepEqual(await h.query('ALERTS', 90 * S), [['firing', 1]]);
  assert.equal(h.sent.length, 1);
  const [fired] = h.sent[0]!;
  assert.deepEqual(fired!.labels, {
    alertname: 'HostDown',
    instance: 'a',
    job: 'node',
    severity: 'critical',
    site: 'lab',
  });
  assert.equal(fired!.annotations.summary, 'a down (0)');
  assert.equal(fired!.startsAt, 90 * S);
  assert.ok(fired!.endsAt > 90 * S);
  await m.evaluateAt(100 * S);
  assert.equal(h.sent.length, 1, 'not re-sent before resendDelay (1m)');
  await m.evaluateAt(140 * S);
  assert.equal(h.sent.length, 1, 'still within resend delay');
  await m.evaluateAt(150 * S);
  assert.deepEqual(m.alerts(), [], 'resolved once up is back');
  assert.equal(h.sent.length, 2);
  assert.equal(h.sent[1]![0]!.endsAt, 150 * S, 'resolved alert sent with endsAt = resolution time');
  assert.deepEqual(await h.query('ALERTS', 150 * S), [], 'ALERTS went stale');
});

test('keep_firing_for holds a firing alert after the condition clears', async (t) => {
  const rules = HOST_DOWN.replace('for: 30s', 'for: 0s\n        keep_firing_for: 30s');
  const h = await setup(t, rules, upSeries);
  const m = await h.start();
  t.after(() => m.stop());
  await m.evaluateAt(60 * S);
  assert.equal(m.alerts()[0]!.state, 'firing', 'for: 0s fires at once');
  for (const s of [150, 170]) {
    await m.evaluateAt(s * S);
    assert.equal(m.alerts()[0]?.state, 'firing', `kept firing at ${s}s`);
  }
  await m.evaluateAt(180 * S);
  assert.deepEqual(m.alerts(), [], 'resolved after keep_firing_for');
});

test('recording rules write series that later rules of the group read', async (t) => {
  const rules = `groups:
  - name: rec
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
        labels: { tier: lab }
      - alert: JobDown
        expr: job:up:sum == 0
`;
  const h = await setup(t, rules, upSeries);
  const m = await h.start();
  t.after(() => m.stop());
  await m.evaluateAt(60 * S);
  const r = await h.engine.instantQuery('job:up:sum', 60 * S);
  assert.ok(r.value.type === 'vector');
  assert.deepEqual(r.value.samples[0]!.labels, { __name__: 'job:up:sum', job: 'node', tier: 'lab' });
  assert.equal(m.alerts()[0]!.labels.alertname, 'JobDown');
  assert.equal(m.groups()[0]!.rules[0]!.health, 'ok');
});

test('alert state survives a restart and a reload: no second pending period, no second send', async (t) => {
  const h = await setup(t, HOST_DOWN, upSeries);
  const state = new AlertStateFile(join(h.dir, 'state', 'alerts.json'));
  const m1 = await h.start(state);
  await m1.evaluateAt(60 * S);
  await m1.evaluateAt(90 * S);
  assert.equal(h.sent.length, 1);
  await m1.stop();

  const m2 = await h.start(new AlertStateFile(state.path));
  t.after(() => m2.stop());
  await m2.evaluateAt(100 * S);
  const [a] = m2.alerts();
  assert.equal(a!.state, 'firing', 'still firing after restart');
  assert.equal(a!.activeAt, 60 * S);
  assert.equal(h.sent.length, 1, 'no second firing notification after restart');
  await writeFile(h.file, HOST_DOWN.replace('{{ $value }}', 'value {{ $value }}'));
  await m2.update([h.file]);
  await m2.evaluateAt(110 * S);
  assert.equal(m2.alerts()[0]!.state, 'firing', 'still firing after reload');
  assert.equal(m2.alerts()[0]!.annotations.summary, 'a down (value 0)', 'new annotations applied');
  assert.equal(h.sent.length, 1);
  await writeFile(h.file, 'groups: [ {name: x, rules: [ {alert: A} ] } ]');
  await assert.rejects(m2.update([h.file]), /field 'expr' must be set/);
  assert.equal(m2.groups()[0]!.name, 'g', 'a bad file keeps the running groups');
});

test('annotations may call query at the evaluation time; a bad query renders an error, the group goes on', async (t) => {
  const h = await setup(
    t,
    `groups:
  - name: g
    rules:
      - alert: HostDown
        expr: up == 0
        annotations:
          others: '{{ with query "count(up == 1)" }}{{ . | first | value }}{{ else }}none{{ end }} up'
          bad: '{{ query "rate(" }}'
      - record: up:count
        expr: count(up)
`,
    [
      ...upSeries,
      [{ __name__: 'up', instance: 'b', job: 'node' }, Array.from({ length: 30 }, (_, i) => [i * 10 * S, 1])],
    ],
  );
  const m = await h.start();
  t.after(() => m.stop());
  await m.evaluateAt(60 * S);
  const [a] = m.alerts();
  assert.equal(a!.state, 'firing');
  assert.equal(a!.annotations.others, '1 up');
  assert.match(a!.annotations.bad!, /^<error expanding template: error executing query "rate\(": /);
  assert.equal(m.groups()[0]!.rules[0]!.health, 'ok');
  assert.deepEqual(await h.query('up:count', 60 * S), [['', 2]], 'the next rule still ran');
});
