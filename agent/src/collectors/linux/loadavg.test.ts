import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadavgCollector } from './loadavg';
import { collectOnce, fixturePaths, valueOf } from './testkit';

test('loadavg: node_load1/5/15 from /proc/loadavg', async () => {
  const set = await collectOnce(loadavgCollector(fixturePaths));
  assert.equal(valueOf(set, 'node_load1'), 0.18);
  assert.equal(valueOf(set, 'node_load5'), 0.22);
  assert.equal(valueOf(set, 'node_load15'), 0.14);
  assert.equal(set.families.get('node_load1')?.help, '1m load average.');
});
