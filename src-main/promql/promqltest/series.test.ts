import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandValues, parseSeriesDesc, parseTestTime } from './series';
import { parseScript } from './script';

test('expandValues expands promtool series notation', () => {
  assert.deepEqual(expandValues('-2+4x3'), [-2, 2, 6, 10]);
  assert.deepEqual(expandValues('1-2x4'), [1, -1, -3, -5, -7]);
  assert.deepEqual(expandValues('1x2 _x2 stale _'), [1, 1, 1, null, null, 'stale', null]);
  const special = expandValues('Inf -Inf NaN');
  assert.equal(special[0], Infinity);
  assert.equal(special[1], -Infinity);
  assert.ok(Number.isNaN(special[2]));
  assert.throws(() => expandValues('{{schema:1 sum:3}}'), /native histogram/);
});

test('parseSeriesDesc reads metric names, labels and escapes', () => {
  assert.deepEqual(parseSeriesDesc('up{job="a\\"b", instance="x"} 1 2'), {
    labels: { __name__: 'up', job: 'a"b', instance: 'x' },
    rest: '1 2',
  });
  assert.deepEqual(parseSeriesDesc('{} 5'), { labels: {}, rest: '5' });
  assert.equal(parseTestTime('1h30m'), 5_400_000);
  assert.equal(parseTestTime('-1m'), -60_000);
});

test('parseScript reads load, clear and eval blocks with expectations', () => {
  const cmds = parseScript(
    [
      'load 5m',
      '  m{a="1"} 0+1x3',
      '',
      'eval range from 0 to 10m step 5m m',
      '  expect warn msg: PromQL warning: x (1:1)',
      '  m{a="1"} 0 1 2',
      '',
      'clear',
    ].join('\n'),
  );
  assert.deepEqual(
    cmds.map((c) => c.kind),
    ['load', 'eval', 'clear'],
  );
  const ev = cmds[1]!;
  assert.ok(ev.kind === 'eval');
  assert.deepEqual([ev.start, ev.end, ev.step], [0, 600_000, 300_000]);
  assert.deepEqual(ev.expects, [{ type: 'warn', match: 'msg', text: 'PromQL warning: x (1:1)' }]);
  assert.deepEqual(ev.results, ['m{a="1"} 0 1 2']);
});
