import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricSet } from '../../metrics';
import { cpuCollector, parseCpuStat } from './cpu';
import { collectOnce, family, fixturePaths, valueOf } from './testkit';

test('cpu: per-CPU modes from /proc/stat in seconds (USER_HZ=100), aggregate line skipped', async () => {
  const set = await collectOnce(cpuCollector(fixturePaths));
  const fam = family(set, 'node_cpu_seconds_total');
  assert.equal(fam.type, 'counter');
  assert.equal(fam.help, 'Seconds the CPUs spent in each mode.');
  assert.equal(fam.samples.length, 16);
  assert.equal(valueOf(set, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' }), 55.11);
  assert.equal(valueOf(set, 'node_cpu_seconds_total', { cpu: '0', mode: 'nice' }), 0.1);
  assert.equal(valueOf(set, 'node_cpu_seconds_total', { cpu: '1', mode: 'idle' }), 503.47);
  assert.equal(valueOf(set, 'node_cpu_seconds_total', { cpu: '1', mode: 'steal' }), 1.24);
  assert.equal(valueOf(set, 'node_cpu_guest_seconds_total', { cpu: '0', mode: 'user' }), 0.07);
  assert.equal(valueOf(set, 'node_cpu_guest_seconds_total', { cpu: '0', mode: 'nice' }), 0.03);
});

test('cpu: thermal throttle counters per core and once per package', async () => {
  const set = await collectOnce(cpuCollector(fixturePaths));
  assert.equal(valueOf(set, 'node_cpu_core_throttles_total', { core: '1', package: '0' }), 6);
  assert.equal(family(set, 'node_cpu_package_throttles_total').samples.length, 1);
  assert.equal(valueOf(set, 'node_cpu_package_throttles_total', { package: '0' }), 9);
});

test('cpu: a malformed field names the file, line and field', () => {
  assert.throws(
    () => parseCpuStat('cpu 1 2\ncpu0 1 x 3 4\n', '/proc/stat', new MetricSet()),
    /\/proc\/stat:2: field 3: expected a number, got "x"/,
  );
});
