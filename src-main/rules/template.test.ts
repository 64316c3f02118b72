import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledTemplate, TemplateSyntaxError } from './template';
import { goFloat, goSprintf } from './go-format';

const data = {
  labels: { instance: 'web-1:9100', job: 'node', severity: 'critical' },
  externalLabels: { site: 'lab' },
  externalURL: 'http://vigie.local',
  value: 0.123456,
};
const expand = (t: string, value = data.value): string =>
  CompiledTemplate.compile('t', t).expand({ ...data, value });

test('variables, fields and pipelines expand as in Prometheus', () => {
  assert.equal(expand('{{ $labels.instance }} is down'), 'web-1:9100 is down');
  assert.equal(expand('{{ .Labels.job }}/{{ $externalLabels.site }}'), 'node/lab');
  assert.equal(expand('{{ $value }}'), '0.123456');
  assert.equal(expand('{{ $value }}', 1e6), '1e+06');
  assert.equal(expand('{{ $value }}', 100000), '100000');
  assert.equal(expand('{{ $labels.missing }}'), '', 'a missing label is empty (missingkey=zero)');
  assert.equal(expand('{{ $value | printf "%.2f" }}'), '0.12');
  assert.equal(expand('{{ printf "%s=%d%%" "cpu" 42 }}'), 'cpu=42%');
  assert.equal(
    expand('{{ $labels.job | toUpper }} {{ "A B" | toLower }} {{ "hello world" | title }}'),
    'NODE a b Hello World',
  );
  assert.equal(expand('{{ $x := 3 }}{{ $x }}'), '3');
  assert.equal(expand('{{ if eq $labels.severity "critical" }}!!{{ else }}.{{ end }}'), '!!');
  assert.equal(
    expand('{{ if gt $value 1.0 }}big{{ else if gt $value 0.1 }}mid{{ else }}small{{ end }}'),
    'mid',
  );
  assert.equal(
    expand('{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}'),
    'instance=web-1:9100;job=node;severity=critical;',
  );
  assert.equal(expand('a  {{- " b " -}}  c'), 'a b c');
  assert.equal(expand('{{ $labels.instance | reReplaceAll ":.*" "" }}'), 'web-1');
  assert.equal(expand('{{ stripPort $labels.instance }}'), 'web-1');
});

test('humanize functions print what Prometheus prints', () => {
  // Expected values from Prometheus's template_test.go.
  assert.equal(expand('{{ humanize 0.0 }}'), '0');
  assert.equal(expand('{{ humanize 1234567.0 }}'), '1.235M');
  assert.equal(expand('{{ humanize 12345.0 }}'), '12.35k');
  assert.equal(expand('{{ humanize 0.0123 }}'), '12.3m');
  assert.equal(expand('{{ humanize "1234567" }}'), '1.235M');
  assert.equal(expand('{{ humanize1024 1048576.0 }}'), '1Mi');
  assert.equal(expand('{{ humanize1024 1.0 }}'), '1');
  assert.equal(expand('{{ humanizeDuration 0.0 }}'), '0s');
  assert.equal(expand('{{ humanizeDuration 1.0 }}'), '1s');
  assert.equal(expand('{{ humanizeDuration 60.0 }}'), '1m 0s');
  assert.equal(expand('{{ humanizeDuration 3600.0 }}'), '1h 0m 0s');
  assert.equal(expand('{{ humanizeDuration 86400.0 }}'), '1d 0h 0m 0s');
  assert.equal(expand('{{ humanizeDuration 0.1 }}'), '100ms');
  assert.equal(expand('{{ humanizeDuration 0.0001 }}'), '100us');
  assert.equal(expand('{{ humanizeDuration 90061.5 }}'), '1d 1h 1m 1s');
  assert.equal(expand('{{ humanizePercentage 0.1234567 }}'), '12.35%');
  assert.equal(expand('{{ humanizePercentage 0.0 }}'), '0%');
});

test('a bad template is a syntax error at load and an error text at run time', () => {
  assert.throws(() => CompiledTemplate.compile('x', '{{ nosuchfunc 1 }}'), TemplateSyntaxError);
  assert.throws(() => CompiledTemplate.compile('x', '{{ if 1 }}'), /unexpected EOF/);
  assert.throws(() => CompiledTemplate.compile('x', '{{ $labels.x '), /unclosed action/);
  assert.match(expand('{{ humanize "abc" }}'), /^<error expanding template: .*invalid syntax>$/);
  assert.match(expand('{{ $nope }}'), /^<error expanding template: .*undefined variable "\$nope"/);
});

test('goFloat and goSprintf follow Go formatting', () => {
  assert.equal(goFloat(1234.5678, 4), '1235');
  assert.equal(goFloat(12346, 4), '1.235e+04');
  assert.equal(goFloat(0.00001234), '1.234e-05');
  assert.equal(goFloat(NaN), 'NaN');
  assert.equal(goFloat(-Infinity), '-Inf');
  assert.equal(goSprintf('%5.1f|%-4s|%03d', [3.14159, 'ab', 7]), '  3.1|ab  |007');
  assert.equal(goSprintf('%q %v', ['x', 2.5]), '"x" 2.5');
});

test('query and its helpers render query results, also when one query depends on another', async () => {
  const results: Record<string, { Labels: Record<string, string>; Value: number }[]> = {
    up: [
      { Labels: { __name__: 'up', instance: 'b:9100' }, Value: 0 },
      { Labels: { __name__: 'up', instance: 'a:9100' }, Value: 1 },
    ],
    'node_load1{instance="b:9100"}': [{ Labels: { instance: 'b:9100' }, Value: 2.5 }],
  };
  const asked: string[] = [];
  const query = async (e: string) => {
    asked.push(e);
    if (e === 'bad(') throw new Error('parse error at char 5');
    return results[e] ?? [];
  };
  const run = (t: string) => CompiledTemplate.compile('t', t).expandAsync(data, query);
  assert.equal(await run('{{ with query "up" }}{{ . | first | value }}{{ end }}'), '0');
  assert.equal(
    await run('{{ range query "up" | sortByLabel "instance" }}{{ .Labels.instance }}={{ .Value }} {{ end }}'),
    'a:9100=1 b:9100=0 ',
  );
  assert.equal(await run('{{ query "up" | first | label "instance" | stripPort }}'), 'b');
  // The second query's text comes from the first one's result: rendered in two rounds.
  asked.length = 0;
  assert.equal(
    await run(
      '{{ $i := query "up" | first | label "instance" }}load {{ printf "node_load1{instance=%q}" $i | query | first | value }}',
    ),
    'load 2.5',
  );
  assert.deepEqual(asked, ['up', 'node_load1{instance="b:9100"}']);
  assert.equal(await run('{{ with query "nothing" }}{{ . | first | value }}{{ else }}none{{ end }}'), 'none');
  assert.match(await run('{{ query "nothing" | first }}'), /^<error expanding template: .*no elements/);
  assert.match(
    await run('x {{ query "bad(" }}'),
    /^<error expanding template: error executing query "bad\(": parse error/,
  );
  // Without a query function (e.g. a plain expand), query renders an error, never throws.
  assert.match(CompiledTemplate.compile('t', '{{ query "up" }}').expand(data), /^<error expanding template/);
  assert.equal(CompiledTemplate.compile('t', '{{ $labels.job }}').usesQuery, false);
});

test('externalURL, pathPrefix, args and match', () => {
  const d = { ...data, externalURL: 'http://lab.local:9090/vigie' };
  const ex = (t: string) => CompiledTemplate.compile('t', t).expand(d);
  assert.equal(ex('{{ externalURL }}{{ pathPrefix }}'), 'http://lab.local:9090/vigie/vigie');
  assert.equal(ex('{{ with args 1 "x" }}{{ .arg0 }}{{ .arg1 }}{{ end }}'), '1x');
  assert.equal(ex('{{ if match "^web" $labels.instance }}web{{ end }}'), 'web');
  assert.equal(ex('{{ "<b>" | safeHtml }}'), '<b>');
});
