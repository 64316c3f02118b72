import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricSet } from '../../metrics';
import { meminfoCollector, parseMeminfo } from './meminfo';
import { collectOnce, family, fixturePaths, valueOf } from './testkit';

test('meminfo: kB fields become *_bytes, parentheses become _, unitless fields keep name and value', async () => {
  const set = await collectOnce(meminfoCollector(fixturePaths));
  assert.equal(valueOf(set, 'node_memory_MemTotal_bytes'), 24684084 * 1024);
  assert.equal(valueOf(set, 'node_memory_Active_anon_bytes'), 1560 * 1024);
  assert.equal(valueOf(set, 'node_memory_Inactive_file_bytes'), 1820080 * 1024);
  assert.equal(valueOf(set, 'node_memory_SwapTotal_bytes'), 1048576 * 1024);
  assert.equal(valueOf(set, 'node_memory_SwapFree_bytes'), 1048000 * 1024);
  assert.equal(valueOf(set, 'node_memory_HugePages_Total'), 4);
  assert.equal(valueOf(set, 'node_memory_Hugepagesize_bytes'), 2048 * 1024);
  const fam = family(set, 'node_memory_Active_anon_bytes');
  assert.equal(fam.help, 'Memory information field Active_anon_bytes.');
  assert.equal(fam.type, 'gauge');
  assert.equal(set.families.size, 10);
});

test('meminfo: a line without a colon is reported with file and line', () => {
  assert.throws(
    () => parseMeminfo('MemTotal: 1 kB\nbogus\n', '/proc/meminfo', new MetricSet()),
    /\/proc\/meminfo:2:/,
  );
});
