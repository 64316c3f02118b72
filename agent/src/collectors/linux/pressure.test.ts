import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linuxPaths } from './paths';
import { pressureCollector } from './pressure';
import { collectOnce, fixturePaths, valueOf } from './testkit';

test('pressure: some→waiting, full→stalled (io, memory), microseconds to seconds', async () => {
  const set = await collectOnce(pressureCollector(fixturePaths));
  assert.equal(valueOf(set, 'node_pressure_cpu_waiting_seconds_total'), 18.799777);
  assert.equal(valueOf(set, 'node_pressure_io_waiting_seconds_total'), 2.587357);
  assert.equal(valueOf(set, 'node_pressure_io_stalled_seconds_total'), 2.332497);
  assert.equal(valueOf(set, 'node_pressure_memory_waiting_seconds_total'), 1);
  assert.equal(valueOf(set, 'node_pressure_memory_stalled_seconds_total'), 0.5);
  assert.equal(set.families.has('node_pressure_cpu_stalled_seconds_total'), false);
  assert.equal(set.families.size, 5);
});

test('pressure: nothing when /proc/pressure is absent', async () => {
  const set = await collectOnce(pressureCollector(linuxPaths('/nonexistent-root')));
  assert.equal(set.families.size, 0);
});
