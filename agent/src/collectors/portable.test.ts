import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { MetricSet } from '../metrics';
import { portableCollectors } from './portable';
import { runCollectors } from './run';

test('portable collectors: node_exporter names from Node os/fs, runnable on any platform', async () => {
  const out = new MetricSet();
  const runs = await runCollectors(portableCollectors({ rootPath: '/' }), out);
  assert.ok(
    runs.every((r) => r.ok),
    JSON.stringify(runs),
  );
  const cpu = out.families.get('node_cpu_seconds_total')!;
  assert.equal(cpu.type, 'counter');
  assert.equal(new Set(cpu.samples.map((s) => s.labels['cpu'])).size, os.cpus().length);
  assert.ok(cpu.samples.some((s) => s.labels['mode'] === 'idle' && s.value > 0));
  assert.equal(out.families.get('node_memory_MemTotal_bytes')!.samples[0]!.value, os.totalmem());
  const size = out.families.get('node_filesystem_size_bytes')!.samples[0]!;
  assert.equal(size.labels['mountpoint'], '/');
  assert.ok(size.value > 0);
  const uname = out.families.get('node_uname_info')!.samples[0]!.labels;
  assert.equal(uname['nodename'], os.hostname());
  assert.equal(uname['release'], os.release());
  const boot = out.families.get('node_boot_time_seconds')!.samples[0]!.value;
  assert.ok(Math.abs(boot - (Date.now() / 1000 - os.uptime())) < 5);
  assert.equal(out.families.has('node_network_receive_bytes_total'), false);
});
