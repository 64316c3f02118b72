import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricsSource, platformCollectors } from './collect';

test("platformCollectors has the systemd and containers collectors beside node_exporter's", () => {
  const names = platformCollectors().map((c) => c.name);
  assert.ok(names.includes('containers'));
  if (process.platform === 'linux') assert.ok(names.includes('systemd') && names.includes('cpu'));
});

test('MetricsSource: --no-collector.NAME leaves a collector out; an unknown name is an error listing the names', async () => {
  const source = new MetricsSource({ disabledCollectors: ['systemd', 'containers', 'hwmon'] });
  const { body } = await source.exposition();
  assert.doesNotMatch(body, /collector="(systemd|containers|hwmon)"/);
  assert.match(body, /^node_scrape_collector_success\{collector="cpu"\} 1$/m);
  assert.throws(
    () => new MetricsSource({ disabledCollectors: ['sytemd'] }),
    /--no-collector\.sytemd: no collector named "sytemd" \(there are cpu, .*systemd.*containers\)/,
  );
});

test('MetricsSource: a hanging or throwing collector reports success 0 and the scrape still renders', async () => {
  const source = new MetricsSource({
    collectorTimeoutMs: 100,
    collectors: [
      { name: 'hangs', collect: () => new Promise<void>(() => {}) },
      {
        name: 'throws',
        collect: () => {
          throw new Error('boom');
        },
      },
      { name: 'fine', collect: async (out) => out.gauge('fine_value', 'A value.', 7) },
    ],
  });
  const { body } = await source.exposition();
  assert.match(body, /^node_scrape_collector_success\{collector="hangs"\} 0$/m);
  assert.match(body, /^node_scrape_collector_success\{collector="throws"\} 0$/m);
  assert.match(body, /^node_scrape_collector_success\{collector="fine"\} 1$/m);
  assert.match(body, /^fine_value 7$/m);
  const took = Number(/^node_scrape_collector_duration_seconds\{collector="hangs"\} (\S+)$/m.exec(body)?.[1]);
  assert.ok(took >= 0.09 && took < 5, `hangs took ${took} s`);
});
