import type { Labels } from '../common/labels';

/**
 * TargetGroup is Prometheus's unit of discovery: targets that share labels and a source. Each target
 * carries `__address__` (host:port) and may carry `__scheme__`, `__metrics_path__`, `__param_*` and
 * `__meta_*` labels; labels starting with `__` are dropped before storage.
 */
export interface TargetGroup {
  /** source identifies the group within its discoverer; a later group with the same source replaces it. */
  source: string;
  /** targets, empty when the group disappeared. */
  targets: Labels[];
  labels: Labels;
}

/**
 * Discoverer finds targets. run sends the full current set of groups once it knows it, then every group
 * that changes, until the signal aborts.
 */
export interface Discoverer {
  run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void>;
}
