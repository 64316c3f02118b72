import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolate, parseLabelValues } from './variables';

test('parseLabelValues reads both forms and refuses others', () => {
  assert.deepEqual(parseLabelValues('label_values(instance)'), { label: 'instance' });
  assert.deepEqual(parseLabelValues('label_values(up{job="node"}, instance)'), {
    label: 'instance',
    match: 'up{job="node"}',
  });
  assert.throws(() => parseLabelValues('up'), /is not label_values/);
});

test('interpolate replaces $name and ${name}, longest names first, escaping quotes', () => {
  assert.equal(interpolate('up{instance="$host"}', { host: 'a:9100' }), 'up{instance="a:9100"}');
  assert.equal(
    interpolate('x{a="$hostname",b="${host}"}', { host: 'h', hostname: 'n"1' }),
    'x{a="n\\"1",b="h"}',
  );
  assert.equal(interpolate('rate(x[$__rate_interval])', { host: 'h' }), 'rate(x[$__rate_interval])');
});
