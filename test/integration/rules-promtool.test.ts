// Checks the rules stage against Debian's promtool: what `promtool check rules` accepts Vigie accepts (and
// the reverse for a set of broken files), and `promtool test rules` agrees with Vigie's evaluation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createEngine } from '../../src-main/promql/engine';
import { MemoryStorage } from '../../src-main/storage/memory/memory-storage';
import { createRuleManager } from '../../src-main/rules/manager';
import { parseRuleFile } from '../../src-main/rules/rule-file';
import { defaultPackGroup } from '../../src-main/rules/default-pack';
import { groupsToYaml } from '../../src-main/rules/export';

const PROMTOOL = '/usr/bin/promtool';
const skip = existsSync(PROMTOOL) ? false : 'promtool is not installed';

function promtool(...args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(PROMTOOL, args, { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

async function tempDir(t: { after(f: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-promtool-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const CASES: Record<string, string> = {
  good: `groups:
  - name: g
    interval: 1m
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: A
        expr: up == 0
        for: 5m
        keep_firing_for: 1m
        labels: { severity: "{{ if eq $labels.job \\"x\\" }}critical{{ else }}warning{{ end }}" }
        annotations: { summary: '{{ $labels.instance }} {{ $value | humanize }} {{ printf "%.1f" $value }}' }
`,
  empty: '',
  badExpr: 'groups: [{name: g, rules: [{alert: A, expr: "up =="}]}]\n',
  noExpr: 'groups: [{name: g, rules: [{alert: A}]}]\n',
  both: 'groups: [{name: g, rules: [{alert: A, record: b, expr: up}]}]\n',
  recordFor: 'groups: [{name: g, rules: [{record: b, expr: up, for: 1m}]}]\n',
  badRecordName: 'groups: [{name: g, rules: [{record: "b c", expr: up}]}]\n',
  dupGroup: 'groups: [{name: g, rules: []}, {name: g, rules: []}]\n',
  emptyGroupName: 'groups: [{name: "", rules: []}]\n',
  unknownKey: 'groups: [{name: g, rules: [{alert: A, expr: up, severity: x}]}]\n',
  badFor: 'groups: [{name: g, rules: [{alert: A, expr: up, for: 5 minutes}]}]\n',
  badTemplate: 'groups: [{name: g, rules: [{alert: A, expr: up, annotations: {s: "{{ nofunc }}"}}]}]\n',
  badLabel: 'groups: [{name: g, rules: [{alert: A, expr: up, labels: {"a-b": x}}]}]\n',
  recordAnnotations: 'groups: [{name: g, rules: [{record: b, expr: up, annotations: {a: b}}]}]\n',
};

test('Vigie accepts exactly the rule files promtool check rules accepts', { skip }, async (t) => {
  const dir = await tempDir(t);
  for (const [name, text] of Object.entries(CASES)) {
    const file = join(dir, `${name}.yml`);
    await writeFile(file, text);
    const theirs = promtool('check', 'rules', file);
    const ours = await parseRuleFile(text, file).then(
      () => ({ ok: true, out: '' }),
      (e: Error) => ({ ok: false, out: e.message }),
    );
    assert.equal(
      ours.ok,
      theirs.ok,
      `${name}: promtool ${theirs.ok ? 'accepts' : 'rejects'} it\npromtool: ${theirs.out}\nvigie: ${ours.out}`,
    );
  }
});

test('the default rule pack passes promtool check rules', { skip }, async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'default.yml');
  await writeFile(file, groupsToYaml([defaultPackGroup()]));
  const r = promtool('check', 'rules', file);
  assert.ok(r.ok, r.out);
  await parseRuleFile(groupsToYaml([defaultPackGroup()]), file);
});

test('promtool test rules agrees with Vigie on firing alerts and their templates', { skip }, async (t) => {
  const dir = await tempDir(t);
  const rules = `groups:
  - name: g
    rules:
      - alert: HostDown
        expr: up == 0
        for: 30s
        labels: { severity: critical }
        annotations:
          summary: "{{ $labels.instance }} down since {{ $value }}"
      - alert: HighLoad
        expr: load > 1.5
        for: 20s
        keep_firing_for: 20s
        labels: { severity: "{{ if gt $value 3.0 }}critical{{ else }}warning{{ end }}" }
        annotations:
          summary: "load {{ $value | humanize }} on {{ $labels.instance | toUpper }} ({{ humanizePercentage 0.25 }})"
`;
  const ruleFile = join(dir, 'rules.yml');
  await writeFile(ruleFile, rules);
  const step = 10_000;
  const n = 30;
  const inputs: { series: string; labels: Record<string, string>; values: number[] }[] = [
    {
      series: 'up{instance="a",job="node"}',
      labels: { __name__: 'up', instance: 'a', job: 'node' },
      values: [],
    },
    {
      series: 'up{instance="b",job="node"}',
      labels: { __name__: 'up', instance: 'b', job: 'node' },
      values: [],
    },
    { series: 'load{instance="a"}', labels: { __name__: 'load', instance: 'a' }, values: [] },
  ];
  for (let i = 0; i < n; i++) {
    inputs[0]!.values.push(i >= 5 && i < 15 ? 0 : 1);
    inputs[1]!.values.push(i >= 10 ? 0 : 1);
    inputs[2]!.values.push([0.5, 2, 2, 2, 4, 4, 1, 1, 1, 2][i % 10]!);
  }
  const storage = new MemoryStorage();
  const app = storage.appender();
  for (const s of inputs) s.values.forEach((v, i) => app.append(0, s.labels, i * step, v));
  await app.commit();
  const manager = await createRuleManager(
    {
      engine: createEngine(storage.querier()),
      storage,
      send: () => {},
      evaluationIntervalMs: step,
      autoRun: false,
      log: () => {},
    },
    [ruleFile],
  );
  t.after(() => manager.stop());
  const alertTests: unknown[] = [];
  let firingSeen = 0;
  for (let i = 0; i < n; i++) {
    await manager.evaluateAt(i * step);
    for (const alertname of ['HostDown', 'HighLoad']) {
      const firing = manager.alerts().filter((a) => a.state === 'firing' && a.labels.alertname === alertname);
      firingSeen += firing.length;
      alertTests.push({
        eval_time: `${(i * step) / 1000}s`,
        alertname,
        exp_alerts: firing.map((a) => ({
          exp_labels: Object.fromEntries(Object.entries(a.labels).filter(([k]) => k !== 'alertname')),
          exp_annotations: a.annotations,
        })),
      });
    }
  }
  assert.ok(firingSeen > 10, 'the scenario fires alerts');
  const testFile = join(dir, 'test.yml');
  await writeFile(
    testFile,
    stringify({
      rule_files: [ruleFile],
      evaluation_interval: '10s',
      tests: [
        {
          interval: '10s',
          input_series: inputs.map((s) => ({ series: s.series, values: s.values.join(' ') })),
          alert_rule_test: alertTests,
        },
      ],
    }),
  );
  const r = promtool('test', 'rules', testFile);
  assert.ok(r.ok, r.out);
});
