import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricSet } from './metrics';
import { collectProcessMetrics } from './process-metrics';

test("process metrics: the agent's own CPU, memory, start time and descriptors", async () => {
  const out = new MetricSet();
  await collectProcessMetrics(out);
  const v = (name: string): number | undefined => out.families.get(name)?.samples[0]?.value;
  const rss = v('process_resident_memory_bytes')!;
  assert.ok(Math.abs(rss - process.memoryUsage.rss()) < 64 * 1024 * 1024, `rss ${rss}`);
  const start = v('process_start_time_seconds')!;
  assert.ok(Math.abs(start - (Date.now() / 1000 - process.uptime())) < 2, `start ${start}`);
  assert.ok(v('process_cpu_seconds_total')! > 0);
  assert.equal(out.families.get('process_cpu_seconds_total')!.type, 'counter');
  if (process.platform === 'linux') {
    assert.ok(v('process_open_fds')! >= 3);
    assert.ok(v('process_max_fds')! >= v('process_open_fds')!);
    assert.ok(v('process_virtual_memory_bytes')! >= rss);
  }
});
