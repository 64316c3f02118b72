import assert from 'node:assert/strict';
import { machine } from 'node:os';
import { test } from 'node:test';
import { collectOnce, fixturePaths, valueOf } from './testkit';
import { unameCollector } from './uname';

test('uname: node_uname_info labels from /proc/sys/kernel', async () => {
  const set = await collectOnce(unameCollector(fixturePaths));
  const labels = {
    domainname: '(none)',
    machine: machine(),
    nodename: 'labhost',
    release: '6.1.0-18-amd64',
    sysname: 'Linux',
    version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)',
  };
  assert.equal(valueOf(set, 'node_uname_info', labels), 1);
});
