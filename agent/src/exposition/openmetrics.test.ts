import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricSet } from '../metrics';
import { writeOpenMetrics } from './openmetrics';

test('OpenMetrics: counter families lose _total in metadata, samples keep or gain it, # EOF ends', () => {
  const set = new MetricSet();
  set.counter('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.', 1.5, {
    cpu: '0',
    mode: 'idle',
  });
  set.counter('odd_counter', 'A counter named without _total.', 7);
  set.gauge('node_load1', 'Help "quoted" \\ back\nline.', 0.25);
  assert.equal(
    writeOpenMetrics(set.sorted()),
    [
      '# HELP node_cpu_seconds Seconds the CPUs spent in each mode.',
      '# TYPE node_cpu_seconds counter',
      'node_cpu_seconds_total{cpu="0",mode="idle"} 1.5',
      '# HELP node_load1 Help \\"quoted\\" \\\\ back\\nline.',
      '# TYPE node_load1 gauge',
      'node_load1 0.25',
      '# HELP odd_counter A counter named without _total.',
      '# TYPE odd_counter counter',
      'odd_counter_total 7',
      '# EOF',
      '',
    ].join('\n'),
  );
});

test('OpenMetrics: an empty scrape is just # EOF', () => {
  assert.equal(writeOpenMetrics([]), '# EOF\n');
});
