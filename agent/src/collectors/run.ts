import { MetricSet } from '../metrics';
import type { Collector, CollectorRun } from './collector';

/**
 * runCollectors runs every collector concurrently, each into its own set so that one failing midway adds
 * nothing half-done, and reports node_exporter's node_scrape_collector_success/duration_seconds for each:
 * a collector that throws reports success 0 and never breaks the scrape.
 */
export async function runCollectors(
  collectors: readonly Collector[],
  out: MetricSet,
  onError?: (run: CollectorRun) => void,
): Promise<CollectorRun[]> {
  const runs = await Promise.all(
    collectors.map(async (c): Promise<[CollectorRun, MetricSet]> => {
      const own = new MetricSet();
      const start = process.hrtime.bigint();
      try {
        await c.collect(own);
        return [{ name: c.name, ok: true, seconds: elapsed(start) }, own];
      } catch (error) {
        return [{ name: c.name, ok: false, seconds: elapsed(start), error }, own];
      }
    }),
  );
  for (const [run, own] of runs) {
    if (run.ok) out.merge(own);
    else onError?.(run);
    out.gauge(
      'node_scrape_collector_duration_seconds',
      'node_exporter: Duration of a collector scrape.',
      run.seconds,
      { collector: run.name },
    );
    out.gauge(
      'node_scrape_collector_success',
      'node_exporter: Whether a collector succeeded.',
      run.ok ? 1 : 0,
      {
        collector: run.name,
      },
    );
  }
  return runs.map(([r]) => r);
}

function elapsed(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
