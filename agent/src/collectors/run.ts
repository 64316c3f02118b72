import { MetricSet } from '../metrics';
import type { Collector, CollectorRun } from './collector';

/** DEFAULT_COLLECTOR_TIMEOUT_MS bounds one collector's run: under Prometheus's default 10 s scrape timeout,
 * above the filesystem collector's 5 s statfs timeout (which then reports a stuck mount rather than failing). */
export const DEFAULT_COLLECTOR_TIMEOUT_MS = 8000;

/** RunOptions are the runner's settings. */
export interface RunOptions {
  /** timeoutMs: a collector still running after this long reports success 0 (default 8000). */
  timeoutMs?: number;
  /** onError hears about each collector that threw or timed out (the CLI logs it). */
  onError?: (run: CollectorRun) => void;
}

/**
 * runCollectors runs every collector concurrently, each into its own set so that one failing midway adds
 * nothing half-done, and reports node_exporter's node_scrape_collector_success/duration_seconds for each:
 * a collector that throws, or is still running after the timeout (its signal is then aborted), reports
 * success 0 and never breaks or delays the scrape beyond the timeout.
 */
export async function runCollectors(
  collectors: readonly Collector[],
  out: MetricSet,
  opts: RunOptions | ((run: CollectorRun) => void) = {},
): Promise<CollectorRun[]> {
  const { timeoutMs = DEFAULT_COLLECTOR_TIMEOUT_MS, onError } =
    typeof opts === 'function' ? { onError: opts } : opts;
  const runs = await Promise.all(
    collectors.map(async (c): Promise<[CollectorRun, MetricSet]> => {
      const own = new MetricSet();
      const start = process.hrtime.bigint();
      try {
        await withTimeout(c, own, timeoutMs);
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
      { collector: run.name },
    );
  }
  return runs.map(([r]) => r);
}

/** withTimeout runs one collector, rejecting (and aborting its signal) when it outlives timeoutMs. */
function withTimeout(c: Collector, own: MetricSet, timeoutMs: number): Promise<void> {
  const ctl = new AbortController();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = new Error(`timed out after ${timeoutMs} ms`);
      ctl.abort(err);
      reject(err);
    }, timeoutMs);
    // Through a promise, so a collector that throws synchronously fails like one that rejects.
    Promise.resolve()
      .then(() => c.collect(own, ctl.signal))
      .then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
  });
}

function elapsed(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
