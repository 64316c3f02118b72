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
