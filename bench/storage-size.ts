/**
 * storage-size.ts: bytes per sample on disk and select latency of the DuckDB store on node-like data.
 * Generates HOSTS × ~1000 series × HOURS of 10 s scrapes in simulated time, appends them one scrape per
 * commit, compacts, checkpoints and prints bytes/sample for the stored layout, plus the same rows laid out
 * interleaved-by-scrape (the head's layout) and as one LIST row per series per block, for comparison.
 * Usage: node --import tsx bench/storage-size.ts [--hosts 5] [--hours 4] [--jitter-ms 0] [--layouts]
 * Figures are noisy on a shared machine.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDuckDBStorage } from '../src-main/storage/duckdb/index';
import { hostSeries, rng } from './storage-data';

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '5' },
    hours: { type: 'string', default: '4' },
    'jitter-ms': { type: 'string', default: '0' },
    layouts: { type: 'boolean', default: false },
  },
});
const HOSTS = Number(args.hosts);
const HOURS = Number(args.hours);
const JITTER = Number(args['jitter-ms']);
const INTERVAL = 10_000;
const T0 = Date.UTC(2026, 0, 1);

const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-size-'));
const st = await openDuckDBStorage({ dir, flushIntervalMs: 3_600_000 });
try {
  const r = rng(42);
  const hosts = Array.from({ length: HOSTS }, (_, h) => ({ series: hostSeries(h, r), refs: [] as number[] }));
  const steps = Math.floor((HOURS * 3600_000) / INTERVAL);
  let samples = 0;
  const started = performance.now();
  for (let i = 0; i < steps; i++) {
    for (let h = 0; h < hosts.length; h++) {
      const host = hosts[h]!;
      const t = T0 + i * INTERVAL + h * 137 + (JITTER > 0 ? Math.floor(r() * (2 * JITTER + 1)) - JITTER : 0);
      const app = st.appender();
      host.series.forEach((s, j) => {
        if (i > 0) s.value = s.step(s.value, r);
        host.refs[j] = app.append(host.refs[j] ?? 0, s.labels, t, s.value);
      });
      await app.commit();
      samples += host.series.length;
    }
    if (i % 6 === 5) await st.flush();
    if (i % 360 === 359) await st.maintain();
  }
  await st.flush();
  const ingestS = (performance.now() - started) / 1000;
  await st.checkpoint();
  const before = await st.stats();
  const headBytes = await usedBytes();
  const compactStarted = performance.now();
  await st.maintain({ compactAll: true });
  const compactS = (performance.now() - compactStarted) / 1000;
  await st.checkpoint();
  const after = await st.stats();
  const blockBytes = await usedBytes();
  console.log(
    `data: ${HOSTS} hosts × ${hosts[0]!.series.length} series × ${HOURS} h @10 s = ${samples} samples, jitter ±${JITTER} ms`,
  );
  console.log(
    `ingest (append+commit+flush+compaction): ${ingestS.toFixed(1)} s = ${Math.round(samples / ingestS)} samples/s`,
  );
  console.log(`final compaction of the open windows (compactAll): ${compactS.toFixed(1)} s`);
  console.log(
    `file after checkpoint: ${after.bytesOnDisk} B = ${(after.bytesOnDisk / after.samples).toFixed(3)} B/sample`,
  );
  const copied = await copiedBytes();
  console.log(
    `fresh copy of the file (no free blocks): ${copied} B = ${(copied / after.samples).toFixed(3)} B/sample`,
  );
  console.log(
    `used blocks, head layout (partly compacted): ${(headBytes / before.samples).toFixed(3)} B/sample`,
  );
  console.log(
    `used blocks, all compacted: ${(blockBytes / after.samples).toFixed(3)} B/sample (${st.blocks.length} blocks)`,
  );
  if (args.layouts === true) await compareLayouts(after.samples);
  await timeSelects();
} finally {
  await st.close();
  rmSync(dir, { recursive: true, force: true });
}

/** copiedBytes copies the database into a fresh file, which holds no free blocks, and returns its size. */
async function copiedBytes(): Promise<number> {
  const file = join(dir, 'copy.duckdb');
  rmSync(file, { force: true });
  await st.conn.run(`ATTACH '${file}' AS bench_copy`);
  await st.conn.run('COPY FROM DATABASE vigie TO bench_copy');
  await st.conn.run('DETACH bench_copy');
  const size = statSync(file).size;
  rmSync(file, { force: true });
  return size;
}

/** usedBytes is DuckDB's used block count times block size: the space the data takes, free blocks aside. */
async function usedBytes(): Promise<number> {
  const r = await st.conn.runAndReadAll('PRAGMA database_size');
  const row = r.getRowObjects()[0]!;
  return Number(row.used_blocks) * Number(row.block_size);
}

/**
 * compareLayouts writes every stored sample (read back through the querier) into a plain table and then
 * measures the space that other layouts of the same rows take: the head's interleaved-by-scrape order,
 * sorted rows with absolute times and doubles (no codec), and one LIST row per series per 2 h block.
 */
async function compareLayouts(n: number): Promise<void> {
  const conn = st.conn;
  await conn.run('CREATE TABLE raw(sid INTEGER, t BIGINT, v DOUBLE)');
  const app = await conn.createAppender('raw');
  const all = await st.querier().select([{ name: '__name__', type: '=~', value: '.+' }], -Infinity, Infinity);
  all.forEach((s, sid) => {
    for (let i = 0; i < s.t.length; i++) {
      app.appendInteger(sid);
      app.appendBigInt(BigInt(s.t[i]!));
      app.appendDouble(s.v[i]!);
      app.endRow();
    }
  });
  app.closeSync();
  const layouts: [string, string][] = [
    ['interleaved by scrape (t, series)', 'CREATE TABLE cmp AS SELECT * FROM raw ORDER BY t, sid'],
    ['sorted rows, absolute t, raw v', 'CREATE TABLE cmp AS SELECT * FROM raw ORDER BY sid, t'],
    [
      'LIST per series per 2 h',
      `CREATE TABLE cmp AS SELECT sid, t // 7200000 AS blk, list(t ORDER BY t) AS ts, list(v ORDER BY t) AS vs
       FROM raw GROUP BY ALL ORDER BY blk, sid`,
    ],
  ];
  for (const [name, sql] of layouts) {
    const base = await usedBytes();
    await conn.run(sql);
    await conn.run('CHECKPOINT');
    const grown = await usedBytes();
    console.log(`layout ${name}: ${((grown - base) / n).toFixed(3)} B/sample`);
    await conn.run('DROP TABLE cmp');
    await conn.run('CHECKPOINT');
  }
  await conn.run('DROP TABLE raw');
}

/** timeSelects times a few PromQL-shaped selections over the whole simulated range. */
async function timeSelects(): Promise<void> {
  const q = st.querier();
  const cases: [string, Parameters<typeof q.select>[0]][] = [
    ['node_load1 (1 series/host)', [{ name: '__name__', type: '=', value: 'node_load1' }]],
    ['node_cpu_seconds_total (64/host)', [{ name: '__name__', type: '=', value: 'node_cpu_seconds_total' }]],
    [
      'cpu mode=~"user|system" (16/host)',
      [
        { name: '__name__', type: '=', value: 'node_cpu_seconds_total' },
        { name: 'mode', type: '=~', value: 'user|system' },
      ],
    ],
  ];
  for (const [name, ms] of cases) {
    const t0 = performance.now();
    const res = await q.select(ms, T0, T0 + HOURS * 3600_000);
    const ms_ = performance.now() - t0;
    const n = res.reduce((a, s) => a + s.t.length, 0);
    console.log(`select ${name}: ${res.length} series, ${n} samples in ${ms_.toFixed(0)} ms`);
  }
}
