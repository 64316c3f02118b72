// services.ts: the service tiles of the fleet overview and the kiosk, built from the probe series
// (blackbox_exporter's names, so checks from the config file, the UI or an external blackbox_exporter all
// show) and, when the appliance has a probe stage, the checks' names and latest results. A fixed number of
// requests whatever the number of checks.
import { instant, queryRange, type MatrixItem, type VectorItem } from '../../api/client';
import { listChecks, type CheckEntry } from '../../api/probes';

/** ServiceTile is one probed service as a tile shows it. */
export interface ServiceTile {
  key: string;
  name: string;
  target: string;
  type: string;
  status: 'up' | 'down' | 'unknown';
  /** latency is the newest probe duration (s). */
  latency?: number;
  /** spark is the probe duration over the sparkline's window (s). */
  spark: number[];
  /** certDays is the days until the earliest certificate expires (negative: expired). */
  certDays?: number;
  httpStatus?: number;
  error?: string;
}

/** SERVICE_WINDOW_S and SERVICE_STEP_S are the latency sparkline's span and resolution. */
export const SERVICE_WINDOW_S = 3600;
export const SERVICE_STEP_S = 60;
/** CERT_WARN_DAYS and CERT_BAD_DAYS match the default rules: expiring within 14 and 3 days. */
export const CERT_WARN_DAYS = 14;
export const CERT_BAD_DAYS = 3;

/** keyOf identifies a probed service: its check id, else its job and target. */
export function keyOf(metric: Record<string, string>): string {
  return metric.check ?? `${metric.job ?? ''}/${metric.instance ?? ''}`;
}

/** ProbeSeries are the answers the tiles are built from. */
export interface ProbeSeries {
  success: VectorItem[];
  duration: MatrixItem[];
  cert: VectorItem[];
  httpStatus: VectorItem[];
}

/** buildServiceTiles merges checks and probe series into tiles: failing first, then by name. */
export function buildServiceTiles(
  checks: CheckEntry[] | undefined,
  s: ProbeSeries,
  nowSeconds: number,
): ServiceTile[] {
  const tiles = new Map<string, ServiceTile>();
  const tile = (metric: Record<string, string>): ServiceTile => {
    const key = keyOf(metric);
    let t = tiles.get(key);
    if (t === undefined) {
      t = {
        key,
        name: metric.check ?? metric.instance ?? key,
        target: metric.instance ?? '',
        type: metric.module ?? '',
        status: 'unknown',
        spark: [],
      };
      tiles.set(key, t);
    }
    return t;
  };
  for (const { check, last } of checks ?? []) {
    const t = tile({ check: check.id, instance: check.target });
    t.name = check.name || check.id;
    t.type = check.type;
    if (last !== undefined) {
      t.status = last.success ? 'up' : 'down';
      t.latency = last.durationSeconds;
      if (last.error) t.error = last.error;
      if (last.httpStatus !== undefined) t.httpStatus = last.httpStatus;
      if (last.certExpiry !== undefined) t.certDays = (last.certExpiry - nowSeconds) / 86400;
    }
  }
  for (const m of s.success) tile(m.metric).status = Number(m.value[1]) === 1 ? 'up' : 'down';
  for (const m of s.duration) {
    const t = tile(m.metric);
    t.spark = m.values.map(([, v]) => Number(v));
    t.latency = t.spark.at(-1) ?? t.latency;
  }
  for (const m of s.cert) tile(m.metric).certDays = (Number(m.value[1]) - nowSeconds) / 86400;
  for (const m of s.httpStatus) tile(m.metric).httpStatus = Number(m.value[1]);
  const rank = { down: 0, unknown: 1, up: 2 };
  return [...tiles.values()].sort(
    (a, b) => rank[a.status] - rank[b.status] || a.name.localeCompare(b.name, undefined, { numeric: true }),
  );
}

/** certTone reads days to expiry as the default rules do. */
export function certTone(days: number): 'ok' | 'warn' | 'bad' {
  return days < CERT_BAD_DAYS ? 'bad' : days < CERT_WARN_DAYS ? 'warn' : 'ok';
}

/** loadServices fetches every tile: the checks (when there is a probe stage) and four probe queries. */
export async function loadServices(): Promise<{ tiles: ServiceTile[]; hasProbeStage: boolean }> {
  const end = Math.floor(Date.now() / 1000 / SERVICE_STEP_S) * SERVICE_STEP_S;
  const [checks, success, duration, cert, httpStatus] = await Promise.all([
    listChecks(),
    instant('probe_success'),
    queryRange('probe_duration_seconds', { start: end - SERVICE_WINDOW_S, end, step: SERVICE_STEP_S }),
    instant('probe_ssl_earliest_cert_expiry'),
    instant('probe_http_status_code'),
  ]);
  return {
    tiles: buildServiceTiles(checks, { success, duration, cert, httpStatus }, Date.now() / 1000),
    hasProbeStage: checks !== undefined,
  };
}
