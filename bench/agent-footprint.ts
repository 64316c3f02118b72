// bench/agent-footprint.ts: the bundled vigie-agent next to node_exporter on 127.0.0.1. For each it prints
// RSS after warm-up (with the anonymous / file-backed split from /proc/PID/smaps_rollup), CPU-ms per scrape
// (utime+stime deltas of /proc/PID/stat), payload bytes raw and gzipped, and the series count; the agent
// runs under a few V8 flag sets to show what lowers its memory. Figures are noisy on a shared machine.
// Run: node --import tsx bench/agent-footprint.ts [scrapes=40]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { AGENT_NODE_FLAGS, buildAgent } from '../agent/build.js';

const SCRAPES = Number(process.argv[2] ?? 40);
const WARMUP = 5;
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const TICKS_PER_SECOND = 100;

/** AGENT_FLAG_SETS are the V8 settings tried; AGENT_NODE_FLAGS is what the bundle's shebang and agent/bin use. */
const AGENT_FLAG_SETS: ReadonlyArray<readonly string[]> = [
  [],
  ['--max-semi-space-size=1'],
  ['--max-semi-space-size=1', '--max-old-space-size=24'],
  AGENT_NODE_FLAGS,
  ['--lite-mode', '--no-expose-wasm', '--max-semi-space-size=1', '--single-threaded'],
];

interface Figures {
  label: string;
  rssKb: number;
  anonKb: number;
  fileKb: number;
  cpuMsPerScrape: number;
  rawBytes: number;
  gzipBytes: number;
  series: number;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function get(url: string, gzip: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { headers: gzip ? { 'accept-encoding': 'gzip' } : {}, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

async function waitUp(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await get(url, false);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime, stime
}

function rollup(pid: number): { rss: number; anon: number } {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kb('Rss'), anon: kb('Anonymous') };
}

async function measure(label: string, proc: ChildProcess, url: string): Promise<Figures> {
  await waitUp(url);
  for (let i = 0; i < WARMUP; i++) await get(url, true);
  const pid = proc.pid!;
  const t0 = cpuTicks(pid);
  let gz: Buffer = Buffer.alloc(0);
  for (let i = 0; i < SCRAPES; i++) gz = await get(url, true);
  const t1 = cpuTicks(pid);
  const raw = await get(url, false);
  const { rss, anon } = rollup(pid);
  return {
    label,
    rssKb: rss,
    anonKb: anon,
    fileKb: rss - anon,
    cpuMsPerScrape: ((t1 - t0) * 1000) / TICKS_PER_SECOND / SCRAPES,
    rawBytes: raw.length,
    gzipBytes: gz.length,
    series: raw
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#')).length,
  };
}

async function run(
  label: string,
  cmd: string,
  args: string[],
  urlOf: (port: number) => string,
): Promise<Figures> {
  const port = await freePort();
  const proc = spawn(
    cmd,
    args.map((a) => a.replace('PORT', String(port))),
    { stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  try {
    return await measure(label, proc, urlOf(port));
  } finally {
    proc.kill('SIGTERM');
    await exited;
  }
}

/** floorScript is the smallest Node HTTP server: the RSS no Node agent can go below on this machine. */
const floorScript = `require('http').createServer((q, s) => s.end('x')).listen(+process.argv[1], '127.0.0.1')`;

const bundle = await buildAgent();
const results: Figures[] = [];
for (const flags of AGENT_FLAG_SETS) {
  results.push(
    await run(
      `vigie-agent ${flags.join(' ') || '(no flags)'}`,
      process.execPath,
      [...flags, bundle, '--listen', '127.0.0.1:PORT', '--no-mdns'],
      (p) => `http://127.0.0.1:${p}/metrics`,
    ),
  );
}
results.push(
  await run(
    `bare node http server ${AGENT_NODE_FLAGS.join(' ')}`,
    process.execPath,
    [...AGENT_NODE_FLAGS, '-e', floorScript, 'PORT'],
    (p) => `http://127.0.0.1:${p}/`,
  ),
);
if (existsSync(NODE_EXPORTER)) {
  results.push(
    await run(
      'node_exporter 1.5 (defaults)',
      NODE_EXPORTER,
      ['--web.listen-address=127.0.0.1:PORT'],
      (p) => `http://127.0.0.1:${p}/metrics`,
    ),
  );
} else console.log(`(${NODE_EXPORTER} not installed: no comparison)`);

console.log(`${SCRAPES} scrapes each after ${WARMUP} warm-up scrapes; figures are noisy on a shared machine`);
console.table(
  results.map((r) => ({
    process: r.label,
    'RSS MB': +(r.rssKb / 1024).toFixed(1),
    'anon MB': +(r.anonKb / 1024).toFixed(1),
    'file MB': +(r.fileKb / 1024).toFixed(1),
    'CPU ms/scrape': +r.cpuMsPerScrape.toFixed(2),
    'raw bytes': r.rawBytes,
    'gzip bytes': r.gzipBytes,
    series: r.series,
  })),
);
