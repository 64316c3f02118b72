/**
 * storage-select.ts: latency of the widest PromQL-style selection the issue names — one metric of SERIES
 * series (800 = 50 hosts × 16) over 24 h of 10 s data (6.9 M samples) — on compacted 2 h blocks. Only that
 * metric is stored: a selection reads its own k ranges, so other metrics' rows cost little beyond the
 * row groups at range edges. Usage: node --import tsx bench/storage-select.ts [--series 800] [--hours 24]
 * Figures are noisy on a shared machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDuckDBStorage } from '../src-main/storage/duckdb/index';
import { rng } from './storage-data';

const { values: args } = parseArgs({
  options: { series: { type: 'string', default: '800' }, hours: { type: 'string', default: '24' } },
});
const SERIES = Number(args.series);
const HOURS = Number(args.hours);
const T0 = Date.UTC(2026, 0, 1);

const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-select-'));
const st = await openDuckDBStorage({ dir, flushIntervalMs: 3_600_000 });
try {
  const r = rng(3);
  const refs = new Array<number>(SERIES).fill(0);
  const values = Array.from({ length: SERIES }, () => Math.floor(r() * 1e9));
  const steps = (HOURS * 3600_000) / 10_000;
  const started = performance.now();
  for (let i = 0; i < steps; i++) {
    const app = st.appender();
    for (let s = 0; s < SERIES; s++) {
      values[s]! += Math.floor(r() * 5000);
      const labels = {
        __name__: 'node_network_receive_bytes_total',
        instance: `host-${s >> 4}`,
        device: `eth${s & 15}`,
      };
      refs[s] = app.append(refs[s]!, labels, T0 + i * 10_000, values[s]!);
    }
    await app.commit();
    if (i % 60 === 59) await st.flush();
    if (i % 720 === 719) await st.maintain();
  }
  await st.flush();
  await st.maintain({ compactAll: true });
  console.log(
    `stored ${SERIES} series × ${HOURS} h in ${((performance.now() - started) / 1000).toFixed(1)} s, ${st.blocks.length} blocks`,
  );
  const q = st.querier();
  const ms = [{ name: '__name__', type: '=' as const, value: 'node_network_receive_bytes_total' }];
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const res = await q.select(ms, T0, T0 + HOURS * 3600_000);
    const cpu = process.cpuUsage(cpu0);
    const n = res.reduce((a, s) => a + s.t.length, 0);
    console.log(
      `select all: ${res.length} series, ${n} samples in ${(performance.now() - t0).toFixed(0)} ms wall, ` +
        `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (all threads)`,
    );
  }
  const t0 = performance.now();
  const one = await q.select(
    [...ms, { name: 'instance', type: '=', value: 'host-3' }],
    T0,
    T0 + HOURS * 3600_000,
  );
  console.log(`select one host: ${one.length} series in ${(performance.now() - t0).toFixed(0)} ms`);
} finally {
  await st.close();
  rmSync(dir, { recursive: true, force: true });
}
