import type { Labels } from '../common/labels';
import type { Discoverer, TargetGroup } from './api';
import type { DiscoveredService, ServiceEvent } from './mdns-records';

/** EXPORTER_SERVICE_TYPE is what plain Prometheus exporters announce (Avahi service files, prometheus-mdns-sd). */
export const EXPORTER_SERVICE_TYPE = '_prometheus-http._tcp';

/** exporterTarget is a plain exporter as a scrape target, with `__meta_mdns_*` labels for relabeling. */
export function exporterTarget(s: DiscoveredService): Labels {
  const path = s.txt.path ?? s.txt.metrics_path;
  const labels: Record<string, string> = {
    __address__: `${s.address}:${s.port}`,
    __meta_mdns_instance: s.name,
    __meta_mdns_host: s.host,
  };
  if (path !== undefined && path.startsWith('/')) labels.__metrics_path__ = path;
  if (s.txt.scheme === 'https') labels.__scheme__ = 'https';
  for (const [k, v] of Object.entries(s.txt))
    if (/^[a-z_][a-z0-9_]*$/.test(k)) labels[`__meta_mdns_txt_${k}`] = v;
  return labels;
}

/**
 * ExporterDiscoverer serves `_prometheus-http._tcp` instances as targets, one group per instance and
 * source. Plain exporters have no pairing protocol: they are scraped as Prometheus would, and a goodbye or
 * expiry removes the target (its series get staleness markers).
 */
export class ExporterDiscoverer implements Discoverer {
  private readonly current = new Map<string, DiscoveredService>();
  private send: ((groups: TargetGroup[]) => void) | undefined;

  /** handle takes one browser event for the exporter type. */
  handle(e: ServiceEvent): void {
    if (e.kind === 'down') this.current.delete(e.service.key);
    else this.current.set(e.service.key, e.service);
    this.send?.([this.group(e.service.key)]);
  }

  private group(key: string): TargetGroup {
    const s = this.current.get(key);
    return { source: `exporter:${key}`, targets: s === undefined ? [] : [exporterTarget(s)], labels: {} };
  }

  run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    this.send = send;
    send([...this.current.keys()].map((k) => this.group(k)));
    return new Promise((resolve) =>
      signal.addEventListener(
        'abort',
        () => {
          this.send = undefined;
          resolve();
        },
        { once: true },
      ),
    );
  }
}
