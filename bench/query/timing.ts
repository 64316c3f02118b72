// timing.ts: timed range queries against a Prometheus-compatible HTTP API.
import type { MatrixSeries } from './compare';

/** RangeWindow is the range every panel is drawn over. */
export interface RangeWindow {
  start: number;
  end: number;
  stepS: number;
}

/** QueryRun is one answered range query: its wall time and matrix. */
export interface QueryRun {
  ms: number;
  result: MatrixSeries[];
}

/** rangeQuery POSTs a query_range to `url` and times the round trip, body parsing included. */
export async function rangeQuery(url: string, query: string, w: RangeWindow): Promise<QueryRun> {
  const body = new URLSearchParams({
    query,
    start: String(w.start / 1000),
    end: String(w.end / 1000),
    step: String(w.stepS),
  });
  const started = performance.now();
  const res = await fetch(`${url}/api/v1/query_range`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    signal: AbortSignal.timeout(300_000),
  });
  const json = (await res.json()) as { status: string; error?: string; data?: { result: MatrixSeries[] } };
  const ms = performance.now() - started;
  if (json.status !== 'success') throw new Error(`${url}: ${query}: ${json.error}`);
  return { ms, result: json.data!.result };
}

/** percentile of a sample of numbers (nearest rank). */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
