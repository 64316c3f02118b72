import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricSet } from '../metrics';
import { runCollectors } from './run';

test('runCollectors: a throwing collector reports success 0, adds nothing half-done, and others still run', async () => {
  const out = new MetricSet();
  const errors: string[] = [];
  const runs = await runCollectors(
    [
      {
        name: 'good',
        async collect(set) {
          set.gauge('good_value', 'A value.', 1);
        },
      },
      {
        name: 'bad',
        async collect(set) {
          set.gauge('bad_partial', 'Added before the failure.', 1);
          throw new Error('boom');
        },
      },
    ],
    out,
    (run) => errors.push(`${run.name}: ${(run.error as Error).message}`),
  );
  assert.deepEqual(
    runs.map((r) => [r.name, r.ok]),
    [
      ['good', true],
      ['bad', false],
    ],
  );
  assert.deepEqual(errors, ['bad: boom']);
  assert.equal(out.families.has('good_value'), true);
  assert.equal(out.families.has('bad_partial'), false);
  const success = out.families.get('node_scrape_collector_success')!.samples;
  assert.deepEqual(
    success.map((s) => [s.labels['collector'], s.value]),
    [
      ['good', 1],
      ['bad', 0],
    ],
  );
  const durations = out.families.get('node_scrape_collector_duration_seconds')!.samples;
  assert.equal(durations.length, 2);
  assert.ok(durations.every((d) => d.value >= 0 && d.value < 10));
});
