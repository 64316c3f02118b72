import type { StaticConfig } from '../config/api';
import type { Discoverer, TargetGroup } from './api';

/**
 * StaticDiscoverer serves a job's `static_configs`: one group per entry, sourced "0", "1", … by position as
 * Prometheus does, sent once; it then waits for the signal so it runs as long as any other discoverer.
 */
export class StaticDiscoverer implements Discoverer {
  constructor(private readonly configs: readonly StaticConfig[]) {}

  /** groups is what run sends: every entry's targets as `__address__` labels. */
  groups(): TargetGroup[] {
    return this.configs.map((c, i) => ({
      source: String(i),
      targets: c.targets.map((address) => ({ __address__: address })),
      labels: { ...c.labels },
    }));
  }

  run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    send(this.groups());
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}
