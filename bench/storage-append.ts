/**
 * storage-append.ts: ingest throughput of the DuckDB store. Appends SCRAPES scrapes of 1000 series per host
 * (one commit per scrape, as the scrape loop does), then flushes; prints rows/s for append+commit (JS side,
 * into the write buffer), for the flush through DuckDB's Appender (data-chunk path into `head`), and
 * end to end, per wall second and per CPU second. Usage: node --import tsx bench/storage-append.ts [--hosts 20] [--scrapes 100]
 * Figures are noisy on a shared machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDuckDBStorage } from '../src-main/storage/duckdb/index';
import { hostSeries, rng } from './storage-data';

const { values: args } = parseArgs({
  options: { hosts: { type: 'string', default: '20' }, scrapes: { type: 'string', default: '100' } },
});
const HOSTS = Number(args.hosts);
const SCRAPES = Number(args.scrapes);
const T0 = Date.UTC(2026, 0, 1);

const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-append-'));
const st = await openDuckDBStorage({ dir, flushIntervalMs: 3_600_000 });
try {
  const r = rng(1);
  const hosts = Array.from({ length: HOSTS }, (_, h) => ({ series: hostSeries(h, r), refs: [] as number[] }));
  // Pre-compute values so the figures measure the store, not the data generator.
  const values = hosts.map((h) =>
    h.series.map((s) => Array.from({ length: SCRAPES }, () => (s.value = s.step(s.value, r)))),
  );
  let rows = 0;
  let appendMs = 0;
  let flushMs = 0;
  let appendCpuMs = 0;
  let flushCpuMs = 0;
  const cpuMs = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let round = 0; round < SCRAPES; round += 10) {
    const c0 = cpuMs();
    const t0 = performance.now();
    for (let i = round; i < Math.min(SCRAPES, round + 10); i++)
      for (let h = 0; h < HOSTS; h++) {
        const host = hosts[h]!;
        const app = st.appender();
        const t = T0 + i * 10_000 + h;
        for (let j = 0; j < host.series.length; j++)
          host.refs[j] = app.append(host.refs[j] ?? 0, host.series[j]!.labels, t, values[h]![j]![i]!);
        await app.commit();
        rows += host.series.length;
      }
    const t1 = performance.now();
    const c1 = cpuMs();
    await st.flush();
    appendMs += t1 - t0;
    flushMs += performance.now() - t1;
    appendCpuMs += c1 - c0;
    flushCpuMs += cpuMs() - c1;
  }
  const rate = (ms: number): string => `${Math.round(rows / (ms / 1000)).toLocaleString('en')} rows/s`;
  console.log(
    `${HOSTS} hosts × ${hosts[0]!.series.length} series × ${SCRAPES} scrapes = ${rows} rows, flush every 10 scrapes`,
  );
  // Per CPU second (the process's, all threads) as well as per wall second: on a shared machine the wall
  // clock also counts the time spent waiting for a core.
  const both = (wall: number, cpu: number): string => `${rate(wall)} wall, ${rate(cpu)} of CPU`;
  console.log(`append+commit (first scrape creates series): ${both(appendMs, appendCpuMs)}`);
  console.log(`flush through DuckDB Appender:               ${both(flushMs, flushCpuMs)}`);
  console.log(
    `end to end:                                   ${both(appendMs + flushMs, appendCpuMs + flushCpuMs)}`,
  );
  console.log(
    `load average at the end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await st.close();
  rmSync(dir, { recursive: true, force: true });
}
