// bench/agent-footprint.ts: the bundled vigie-agent next to node_exporter on 127.0.0.1, the way Prometheus
// sees them: every process runs at the same time and is scraped once a second (gzip accepted) for the whole
// duration. For each it prints RSS after the warm-up scrapes and at the end (plus the peak, sampled every
// second), the anonymous / file-backed split from /proc/PID/smaps_rollup, CPU-ms per scrape (utime+stime of
// the process and of the children it waited for, from /proc/PID/stat), payload bytes raw and gzipped, and the
// series count. The agent runs under a few V8 flag sets (AGENT_NODE_FLAGS is what agent/bin and the bundle
// use) beside a bare node http server, the floor no Node agent can go below. Figures are noisy on a shared
// machine; they are compared within one run.
// Run: node --import tsx bench/agent-footprint.ts [seconds=30]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { AGENT_NODE_FLAGS, buildAgent } from '../agent/build.js';

const SECONDS = Number(process.argv[2] ?? 30);
const WARMUP = 5;
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const TICKS_PER_SECOND = 100;

/** Variant is one process under test: how to start it and where its metrics are. */
interface Variant {
  label: string;
  cmd: string;
  args: string[];
  path: string;
}

/** Tracked is a running variant with its figures so far. */
interface Tracked {
  v: Variant;
  proc: ChildProcess;
  url: string;
  warmRssKb: number;
  peakRssKb: number;
  ticks0: number;
  scrapes: number;
  failures: number;
  gzipBytes: number;
}

/** AGENT_FLAG_SETS are the V8 settings tried beside AGENT_NODE_FLAGS. */
const AGENT_FLAG_SETS: ReadonlyArray<readonly string[]> = [
  [],
  ['--jitless', '--no-expose-wasm', '--max-semi-space-size=1'],
  ['--jitless', '--no-expose-wasm', '--max-semi-space-size=1', '--no-node-snapshot'],
  AGENT_NODE_FLAGS,
];

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
      { headers: gzip ? { 'accept-encoding': 'gzip' } : {}, timeout: 10_000, agent: false },
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
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await get(url, false);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** cpuTicks is utime+stime of the process and of its waited-for children (a collector's systemctl). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
}

function rollup(pid: number): { rss: number; anon: number } {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kb('Rss'), anon: kb('Anonymous') };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** floorScript is the smallest Node HTTP server: the RSS no Node agent can go below on this machine. */
const floorScript = `require('http').createServer((q, s) => s.end('x')).listen(+process.argv[1], '127.0.0.1')`;

const bundle = await buildAgent();
const variants: Variant[] = AGENT_FLAG_SETS.map((flags) => ({
  label: `vigie-agent ${flags.join(' ') || '(no flags)'}${flags === AGENT_NODE_FLAGS ? ' [shipped]' : ''}`,
  cmd: process.execPath,
  args: [...flags, bundle, '--listen', '127.0.0.1:PORT', '--no-mdns'],
  path: '/metrics',
}));
variants.push({
  label: 'bare node http server (no flags)',
  cmd: process.execPath,
  args: ['-e', floorScript, 'PORT'],
  path: '/',
});
variants.push({
  label: `bare node http server ${AGENT_NODE_FLAGS.join(' ')}`,
  cmd: process.execPath,
  args: [...AGENT_NODE_FLAGS, '-e', floorScript, 'PORT'],
  path: '/',
});
if (existsSync(NODE_EXPORTER)) {
  variants.push({
    label: 'node_exporter 1.5 (defaults)',
    cmd: NODE_EXPORTER,
    args: ['--web.listen-address=127.0.0.1:PORT'],
    path: '/metrics',
  });
} else console.log(`(${NODE_EXPORTER} not installed: no comparison)`);

const running: Tracked[] = [];
try {
  for (const v of variants) {
    const port = await freePort();
    const proc = spawn(
      v.cmd,
      v.args.map((a) => a.replace('PORT', String(port))),
      { stdio: 'ignore' },
    );
    running.push({
      v,
      proc,
      url: `http://127.0.0.1:${port}${v.path}`,
      warmRssKb: 0,
      peakRssKb: 0,
      ticks0: 0,
      scrapes: 0,
      failures: 0,
      gzipBytes: 0,
    });
  }
  await Promise.all(running.map((r) => waitUp(r.url)));
  // One scrape a second of every process at once, WARMUP seconds of warm-up then SECONDS measured.
  for (let tick = 0; tick < WARMUP + SECONDS; tick++) {
    const started = Date.now();
    if (tick === WARMUP) {
      for (const r of running) {
        r.warmRssKb = rollup(r.proc.pid!).rss;
        r.ticks0 = cpuTicks(r.proc.pid!);
      }
    }
    await Promise.all(
      running.map(async (r) => {
        try {
          const body = await get(r.url, true);
          if (tick >= WARMUP) {
            r.scrapes++;
            r.gzipBytes = body.length;
          }
        } catch {
          r.failures++;
        }
        r.peakRssKb = Math.max(r.peakRssKb, rollup(r.proc.pid!).rss);
      }),
    );
    await sleep(Math.max(0, 1000 - (Date.now() - started)));
  }
  const rows = await Promise.all(
    running.map(async (r) => {
      const pid = r.proc.pid!;
      const ticks = cpuTicks(pid) - r.ticks0;
      const { rss, anon } = rollup(pid);
      const raw = await get(r.url, false);
      return {
        process: r.v.label,
        'RSS warm MB': +(r.warmRssKb / 1024).toFixed(1),
        'RSS end MB': +(rss / 1024).toFixed(1),
        'RSS peak MB': +(r.peakRssKb / 1024).toFixed(1),
        'anon MB': +(anon / 1024).toFixed(1),
        'file MB': +((rss - anon) / 1024).toFixed(1),
        'CPU ms/scrape': +((ticks * 1000) / TICKS_PER_SECOND / Math.max(1, r.scrapes)).toFixed(2),
        'raw bytes': raw.length,
        'gzip bytes': r.gzipBytes,
        series: raw
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith('#')).length,
        failed: r.failures,
      };
    }),
  );
  console.log(
    `${SECONDS} s of one scrape a second per process, all at once, after ${WARMUP} warm-up scrapes; ` +
      `figures are noisy on a shared machine`,
  );
  console.table(rows);
} finally {
  await Promise.all(
    running.map(
      (r) =>
        new Promise<void>((resolve) => {
          if (r.proc.exitCode !== null || r.proc.signalCode !== null) return resolve();
          r.proc.on('exit', () => resolve());
          r.proc.kill('SIGTERM');
        }),
    ),
  );
}
