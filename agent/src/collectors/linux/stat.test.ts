import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statCollector } from './stat';
import { collectOnce, family, fixturePaths, valueOf } from './testkit';

test('stat: boot time, context switches, interrupts, forks, running and blocked processes', async () => {
  const set = await collectOnce(statCollector(fixturePaths));
  assert.equal(valueOf(set, 'node_boot_time_seconds'), 1795316973);
  assert.equal(valueOf(set, 'node_context_switches_total'), 667286);
  assert.equal(valueOf(set, 'node_intr_total'), 281711);
  assert.equal(valueOf(set, 'node_forks_total'), 9566);
  assert.equal(valueOf(set, 'node_procs_running'), 3);
  assert.equal(valueOf(set, 'node_procs_blocked'), 1);
  assert.equal(family(set, 'node_forks_total').type, 'counter');
  assert.equal(family(set, 'node_procs_running').type, 'gauge');
});
