import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRuleFile, RuleFileError } from './rule-file';

const GOOD = `groups:
  - name: node
    interval: 30s
    rules:
      - record: instance:cpu:rate5m
        expr: sum by (instance) (rate(node_cpu_seconds_total[5m]))
      - alert: HostDown
        expr: up == 0
        for: 1m
        keep_firing_for: 2m
        labels: { severity: critical }
        annotations:
          summary: "{{ $labels.instance }} down"
`;

test('a Prometheus rule file loads unchanged', async () => {
  const [g] = await parseRuleFile(GOOD, 'node.yml');
  assert.equal(g!.name, 'node');
  assert.equal(g!.intervalMs, 30_000);
  assert.deepEqual(
    g!.rules.map((r) => [r.kind, r.name, r.forMs, r.keepFiringForMs, r.line]),
    [
      ['record', 'instance:cpu:rate5m', 0, 0, 5],
      ['alert', 'HostDown', 60_000, 120_000, 7],
    ],
  );
  assert.deepEqual(await parseRuleFile('', 'empty.yml'), []);
});

test('errors name file, line, column, group and rule', async () => {
  const bad = `groups:
  - name: g
    rules:
      - alert: A
        expr: up ==
      - record: bad name
        expr: up
        for: 5m
      - alert: B
        record: b
        expr: up
      - alert: C
        expr: up
        labels: { __name__: x }
        annotations: { s: "{{ nofunc }}" }
        bogus: 1
  - name: g
`;
  await assert.rejects(parseRuleFile(bad, 'r.yml'), (e: unknown) => {
    assert.ok(e instanceof RuleFileError);
    const lines = e.message.split('\n');
    assert.match(lines[0]!, /^r\.yml:5:15: group "g", rule 1 \("A"\): could not parse expression: /);
    assert.ok(
      lines.includes(`r.yml:8:14: group "g", rule 2 ("bad name"): invalid field 'for' in recording rule`),
      e.message,
    );
    assert.ok(
      lines.includes(`r.yml:6:17: group "g", rule 2 ("bad name"): invalid recording rule name: bad name`),
      e.message,
    );
    assert.ok(
      lines.some((l) => l.startsWith(`r.yml:9:9: group "g", rule 3 ("B"): only one of 'record' and 'alert'`)),
      e.message,
    );
    assert.ok(
      lines.includes(`r.yml:14:17: group "g", rule 4 ("C"): invalid label name: __name__`),
      e.message,
    );
    assert.ok(
      lines.some((l) => /^r\.yml:15:22: .*rule 4 .*function "nofunc" not defined/.test(l)),
      e.message,
    );
    assert.ok(
      lines.includes(`r.yml:16:9: group "g", rule 4 ("C"): field bogus not found in type rulefmt.RuleNode`),
      e.message,
    );
    assert.ok(
      lines.includes(`r.yml:17:11: group "g": groupname: "g" is repeated in the same file`),
      e.message,
    );
    return true;
  });
  await assert.rejects(parseRuleFile('groups:\n  - name: x\n    rules: [\n', 'y.yml'), {
    message: /^y\.yml:4:1: Flow sequence/,
  });
});
