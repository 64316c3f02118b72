// fleet.ts: loads the fleet overview with a fixed number of requests, whatever the number of hosts: the
// targets list, one instant query for names and alerts, and one range query per sparkline kind grouped
// by instance (so 50 hosts cost the same 7 requests as 1).
import { instant, queryRange, targets, type MatrixItem } from '../api/client';

/** HostTile is one host of the overview. */
export interface HostTile {
  instance: string;
  job: string;
  name: string;
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: number;
  firing: number;
  spark: Record<SparkKind, number[]>;
  now: Record<SparkKind, number | undefined>;
}

/** SparkKind names the four sparklines of a tile. */
export type SparkKind = 'cpu' | 'mem' | 'disk' | 'net';

const REAL_FS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|devtmpfs|nsfs|proc|sysfs"';

/** SPARK_QUERIES are the per-instance expressions behind the sparklines. */
export const SPARK_QUERIES: Record<SparkKind, string> = {
  cpu: '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[2m])))',
  mem: '100 * (1 - sum by (instance) (node_memory_MemAvailable_bytes) / sum by (instance) (node_memory_MemTotal_bytes))',
  disk: `100 * max by (instance) (1 - node_filesystem_avail_bytes{${REAL_FS}} / node_filesystem_size_bytes{${REAL_FS}})`,
  net: 'sum by (instance) (rate(node_network_receive_bytes_total{device!="lo"}[2m]) + rate(node_network_transmit_bytes_total{device!="lo"}[2m]))',
};

/** SPARK_WINDOW_S is the sparklines' span; SPARK_STEP_S their resolution. */
export const SPARK_WINDOW_S = 3600;
export const SPARK_STEP_S = 60;

function byInstance(matrix: MatrixItem[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of matrix)
    if (m.metric.instance !== undefined)
      out.set(
        m.metric.instance,
        m.values.map(([, v]) => Number(v)),
      );
  return out;
}

/** loadFleet fetches every host's tile. */
export async function loadFleet(): Promise<HostTile[]> {
  const end = Math.floor(Date.now() / 1000);
  const range = { start: end - SPARK_WINDOW_S, end, step: SPARK_STEP_S };
  const kinds = Object.keys(SPARK_QUERIES) as SparkKind[];
  const [list, names, alerts, ...sparks] = await Promise.all([
    targets(),
    instant('node_uname_info'),
    instant('count by (instance) (ALERTS{alertstate="firing"})'),
    ...kinds.map((k) => queryRange(SPARK_QUERIES[k], range)),
  ]);
  const nameOf = new Map(names.map((n) => [n.metric.instance ?? '', n.metric.nodename ?? '']));
  const firingOf = new Map(alerts.map((a) => [a.metric.instance ?? '', Number(a.value[1])]));
  const sparkOf = kinds.map((k, i) => [k, byInstance(sparks[i]!)] as const);
  const seen = new Set<string>();
  const tiles: HostTile[] = [];
  for (const t of list) {
    const instance = t.labels.instance ?? t.scrapeUrl;
    const key = `${t.labels.job}/${instance}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const spark = {} as Record<SparkKind, number[]>;
    const now = {} as Record<SparkKind, number | undefined>;
    for (const [k, m] of sparkOf) {
      spark[k] = m.get(instance) ?? [];
      now[k] = spark[k].at(-1);
    }
    tiles.push({
      instance,
      job: t.labels.job ?? t.scrapePool,
      name: nameOf.get(instance) || instance,
      labels: t.labels,
      health: t.health,
      lastError: t.lastError,
      lastScrape: Date.parse(t.lastScrape),
      firing: firingOf.get(instance) ?? 0,
      spark,
      now,
    });
  }
  return tiles;
}

/** HIGH_USAGE is the percentage at which a tile's CPU, memory or disk reads as a warning. */
export const HIGH_USAGE = 90;

/** severity ranks a tile for "unhealthy first": down or firing (2), high usage (1), fine (0). */
export function severity(t: HostTile): number {
  if (t.health === 'down' || t.firing > 0) return 2;
  if ([t.now.cpu, t.now.mem, t.now.disk].some((v) => v !== undefined && v >= HIGH_USAGE)) return 1;
  return 0;
}

/**
 * matchesFilter keeps a tile when every word of the filter matches: `key=value` (a label, exact),
 * `key~text` (a label, substring) or plain text (name, instance or any label value, substring).
 */
export function matchesFilter(t: HostTile, filter: string): boolean {
  const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const labels = Object.entries({ ...t.labels, name: t.name }).map(([k, v]) => [
    k.toLowerCase(),
    v.toLowerCase(),
  ]);
  return words.every((w) => {
    const eq = /^([a-z_][a-z0-9_]*)(=|~)(.*)$/.exec(w);
    if (eq !== null) {
      const [, k, op, v] = eq;
      return labels.some(([lk, lv]) => lk === k && (op === '=' ? lv === v : lv!.includes(v!)));
    }
    return labels.some(([, lv]) => lv!.includes(w));
  });
}
