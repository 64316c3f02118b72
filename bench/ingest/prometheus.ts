// prometheus.ts: Debian's Prometheus as the benchmark's reference: start, ingest count, on-disk cost.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { blockTotals, type BlockTotals } from './disk';
import { fetchText, freePort, waitFor } from './net';
import type { Managed, Processes } from './processes';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';

/** PrometheusRun is a started Prometheus and where it keeps its data. */
export interface PrometheusRun {
  process: Managed;
  url: string;
  tsdbPath: string;
}

/** startPrometheus writes `configYaml` and starts Prometheus on a loopback port, waiting until it is ready. */
export async function startPrometheus(
  procs: Processes,
  dir: string,
  configYaml: string,
): Promise<PrometheusRun> {
  const configPath = join(dir, 'prometheus.yml');
  const tsdbPath = join(dir, 'prometheus-data');
  mkdirSync(tsdbPath, { recursive: true });
  writeFileSync(configPath, configYaml);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const process = await procs.start('prometheus', PROMETHEUS_BIN, [
    `--config.file=${configPath}`,
    `--storage.tsdb.path=${tsdbPath}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-admin-api',
    '--log.level=warn',
  ]);
  await waitFor('prometheus', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), {
    timeoutMs: 60_000,
    abort: () => (process.hasExited() ? `exited: ${process.output().slice(-500)}` : undefined),
  });
  return { process, url, tsdbPath };
}

/** prometheusSamples is prometheus_tsdb_head_samples_appended_total (summed over its `type` label, if any). */
export async function prometheusSamples(url: string): Promise<number> {
  const body = await fetchText(`${url}/metrics`);
  let total = 0;
  let found = false;
  for (const m of body.matchAll(/^prometheus_tsdb_head_samples_appended_total(?:\{[^}]*\})? (\S+)$/gm)) {
    total += Number(m[1]);
    found = true;
  }
  if (!found) throw new Error('prometheus: /metrics has no prometheus_tsdb_head_samples_appended_total');
  return total;
}

/**
 * snapshotBlocks asks Prometheus to snapshot its TSDB, which writes the in-memory head out as a block, and
 * returns the snapshot's block totals: chunk bytes over numSamples is its on-disk cost per sample.
 */
export async function snapshotBlocks(run: PrometheusRun): Promise<BlockTotals & { path: string }> {
  const body = await fetchText(`${run.url}/api/v1/admin/tsdb/snapshot`, { method: 'POST' }, 120_000);
  const reply = JSON.parse(body) as { status: string; data?: { name?: string } };
  if (reply.status !== 'success' || !reply.data?.name)
    throw new Error(`prometheus: snapshot failed: ${body}`);
  const path = join(run.tsdbPath, 'snapshots', reply.data.name);
  return { ...blockTotals(path), path };
}
