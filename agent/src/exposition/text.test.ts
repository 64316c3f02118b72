import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { MetricSet } from '../metrics';
import { writeText } from './text';

/** sampleSet has the awkward cases: escapes in label values and HELP, special floats, unsorted input. */
function sampleSet(): MetricSet {
  const set = new MetricSet();
  set.gauge('zeta_gauge', 'Last family.', 1);
  set.counter('alpha_total', 'Help with \\ backslash\nand newline and "quotes".', 3, {
    path: 'C:\\dir',
    q: 'say "hi"\nbye',
  });
  set.counter('alpha_total', 'ignored duplicate help', 2, { path: '/a', q: '' });
  set.gauge('mid_values', 'Special values.', NaN, { v: 'nan' });
  set.gauge('mid_values', 'Special values.', Infinity, { v: 'pinf' });
  set.gauge('mid_values', 'Special values.', -Infinity, { v: 'ninf' });
  set.gauge('mid_values', 'Special values.', 1.5e-7, { v: 'small' });
  set.gauge('mid_values', 'Special values.', 1795316973, { v: 'big' });
  return set;
}

test('text 0.0.4: sorted families, HELP/TYPE, escaping, special values', () => {
  const body = writeText(sampleSet().sorted());
  assert.equal(
    body,
    [
      '# HELP alpha_total Help with \\\\ backslash\\nand newline and "quotes".',
      '# TYPE alpha_total counter',
      'alpha_total{path="/a",q=""} 2',
      'alpha_total{path="C:\\\\dir",q="say \\"hi\\"\\nbye"} 3',
      '# HELP mid_values Special values.',
      '# TYPE mid_values gauge',
      'mid_values{v="big"} 1795316973',
      'mid_values{v="nan"} NaN',
      'mid_values{v="ninf"} -Inf',
      'mid_values{v="pinf"} +Inf',
      'mid_values{v="small"} 1.5e-7',
      '# HELP zeta_gauge Last family.',
      '# TYPE zeta_gauge gauge',
      'zeta_gauge 1',
      '',
    ].join('\n'),
  );
});

test(
  'text 0.0.4: promtool parses the output',
  { skip: !existsSync('/usr/bin/promtool') && 'no /usr/bin/promtool' },
  () => {
    const body = writeText(sampleSet().sorted());
    const r = spawnSync('/usr/bin/promtool', ['check', 'metrics'], {
      input: body,
      encoding: 'utf8',
      timeout: 10_000,
    });
    // promtool exits 0, or 3 for lint findings only; parse errors print "error while linting".
    assert.doesNotMatch(r.stdout + r.stderr, /error while linting|parse/i);
    assert.ok(r.status === 0 || r.status === 3, `promtool status ${r.status}: ${r.stderr}`);
  },
);
