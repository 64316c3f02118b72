import { stringify } from 'yaml';
import { formatDuration } from '../config/api';
import type { GroupDef } from './rule-file';

/**
 * groupsToYaml writes rule groups as a Prometheus rule file, so the default pack and the UI's threshold
 * rules can be read, checked with `promtool check rules`, or moved to a Prometheus server.
 */
export function groupsToYaml(groups: readonly GroupDef[]): string {
  return stringify({
    groups: groups.map((g) => ({
      name: g.name,
      ...(g.intervalMs !== undefined ? { interval: formatDuration(g.intervalMs) } : {}),
      ...(g.limit > 0 ? { limit: g.limit } : {}),
      rules: g.rules.map((r) => ({
        [r.kind]: r.name,
        expr: r.expr,
        ...(r.forMs > 0 ? { for: formatDuration(r.forMs) } : {}),
        ...(r.keepFiringForMs > 0 ? { keep_firing_for: formatDuration(r.keepFiringForMs) } : {}),
        ...(Object.keys(r.labels).length > 0 ? { labels: r.labels } : {}),
        ...(Object.keys(r.annotations).length > 0 ? { annotations: r.annotations } : {}),
      })),
    })),
  });
}
