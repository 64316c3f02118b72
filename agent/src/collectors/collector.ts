import type { MetricSet } from '../metrics';

/**
 * Collector reads one area of the system (cpu, memory, disks, ...) into a MetricSet. Its name is the
 * `collector` label of node_scrape_collector_success, the same names node_exporter uses, so dashboards and
 * alerts written against node_exporter keep working.
 */
export interface Collector {
  readonly name: string;
  /**
   * collect adds this collector's series to out. signal aborts when the collector ran out of time (the
   * scrape no longer waits for it): collectors that wait on other programs or sockets stop on it.
   */
  collect(out: MetricSet, signal?: AbortSignal): Promise<void>;
}

/** CollectorRun is how one collector's run went: success and how long it took, in seconds. */
export interface CollectorRun {
  readonly name: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly error?: unknown;
}
