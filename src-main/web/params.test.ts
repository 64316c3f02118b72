import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from './errors';
import { limitParam, Params, parseDurationText, parseTimeText, timeParam } from './params';

test('parseTimeText reads Unix seconds and RFC3339', () => {
  assert.equal(parseTimeText('1435781451.781'), 1435781451781);
  assert.equal(parseTimeText('1435781451'), 1435781451000);
  assert.equal(parseTimeText('-1.5'), -1500);
  assert.equal(parseTimeText('1e3'), 1_000_000);
  assert.equal(parseTimeText('2015-07-01T20:10:51.781Z'), 1435781451781);
  assert.equal(parseTimeText('2015-07-01T22:10:51+02:00'), 1435781451000);
  for (const bad of ['', 'now', '2015-07-01', 'NaN', 'Inf', '0x10', '1e400'])
    assert.equal(parseTimeText(bad), undefined, bad);
});

test('parseDurationText reads float seconds and Prometheus durations', () => {
  assert.equal(parseDurationText('15'), 15_000);
  assert.equal(parseDurationText('0.5'), 500);
  assert.equal(parseDurationText('5m'), 300_000);
  assert.equal(parseDurationText('1h30m'), 5_400_000);
  assert.equal(parseDurationText('5 m'), undefined);
});

test('Params merge a form body before the URL query, as Go r.Form does', async () => {
  const req = new Request('http://x/api?query=from_url&match[]=a', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    body: 'query=from_body&match[]=b',
  });
  const p = await Params.from(req);
  assert.equal(p.get('query'), 'from_body');
  assert.deepEqual(p.getAll('match[]'), ['b', 'a']);
  assert.equal(p.get('missing'), '');
});

test('parameter errors name the parameter', async () => {
  const p = await Params.from(new Request('http://x/?time=soon&limit=-1&l2=x'));
  assert.throws(() => timeParam(p, 'time'), {
    message: 'invalid parameter "time": cannot parse "soon" to a valid timestamp',
  });
  assert.throws(
    () => limitParam(p),
    (e: unknown) => e instanceof ApiError && e.type === 'bad_data',
  );
  assert.throws(() => limitParam(p, 'l2'), {
    message: 'invalid parameter "l2": cannot parse "x" to a valid limit',
  });
  assert.equal(timeParam(p, 'start', 42), 42);
});
