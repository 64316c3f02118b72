// bench/probes/http-checks.ts: 200 HTTP checks every 10 s against local servers on 127.0.0.1, one of which
// never answers, through the real probe manager appending to a DuckDB store. Prints the CPU the probing
// process used (CPU-seconds and % of the machine's 2 cores), and per 10 s cycle the spread of start times
// (first to last start, so checks are spread over the interval) and the lag of each start behind its
// schedule — for all checks and for those scheduled while the stuck check was in flight — showing that the
// stuck target delays no one. Bounded: --seconds (default 60).
//   node --import tsx bench/probes/http-checks.ts [--checks 200] [--seconds 60] [--servers 4] [--concurrency 64]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProbeManager } from '../../src-main/probe/manager';
import { openDuckDBStorage } from '../../src-main/storage/duckdb/index';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

const CHECKS = arg('checks', 200);
const SECONDS = arg('seconds', 60);
const SERVERS = arg('servers', 4);
const CONCURRENCY = arg('concurrency', 64);
const INTERVAL_MS = 10_000;
const STUCK_TIMEOUT_MS = 5_000;

/** childCpuSeconds reads a process's user+system CPU from /proc (clock ticks of 100 Hz). */
async function childCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/probes/servers.ts', String(SERVERS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ports = await new Promise<number[]>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve((JSON.parse(line!) as { ports: number[] }).ports);
    });
    child.once('exit', (code) => reject(new Error(`servers exited (${code})`)));
  });
  const dir = await mkdtemp(join(tmpdir(), 'vigie-bench-probes-'));
  const storage = await openDuckDBStorage({ dir });
  const starts: { id: string; scheduledAt: number; startedAt: number }[] = [];
  const probes = await createProbeManager({
    appender: () => storage.appender(),
    maxConcurrency: CONCURRENCY,
    log: () => undefined,
    onStart: (c, scheduledAt, startedAt) => starts.push({ id: c.id, scheduledAt, startedAt }),
  });
  try {
    const checks = Array.from({ length: CHECKS }, (_, i) => ({
      job: 'bench',
      check: {
        id: i === 0 ? 'stuck' : `c${i}`,
        name: `check ${i}`,
        type: 'http' as const,
        target: `http://127.0.0.1:${ports[i % ports.length]}${i === 0 ? '/hang' : `/ok?i=${i}`}`,
        interval: '10s',
        timeout: i === 0 ? `${STUCK_TIMEOUT_MS / 1000}s` : '5s',
      },
    }));
    const cpu0 = process.cpuUsage();
    const child0 = await childCpuSeconds(child.pid!);
    const wall0 = performance.now();
    await probes.applyConfig(checks);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const wall = (performance.now() - wall0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    const serversS = (await childCpuSeconds(child.pid!)) - child0;
    const list = probes.list();
    const ok = list.filter((s) => s.last?.success).length;
    const stuck = list.find((s) => s.check.id === 'stuck')?.last;

    console.log(
      `probe benchmark: ${CHECKS} HTTP checks every ${INTERVAL_MS / 1000}s for ${wall.toFixed(1)} s, ` +
        `${SERVERS} local servers, concurrency limit ${CONCURRENCY}, one stuck target (timeout ${STUCK_TIMEOUT_MS / 1000}s)`,
    );
    console.log(
      `probes started: ${starts.length} (${(starts.length / wall).toFixed(1)}/s); last result ok for ${ok}/${CHECKS}; ` +
        `stuck check: ${stuck?.error ?? 'no result yet'}`,
    );
    console.log(
      `CPU of the probing process: ${cpuS.toFixed(2)} s = ${((cpuS / wall / 2) * 100).toFixed(1)}% of 2 cores ` +
        `(${((cpuS / Math.max(1, starts.length)) * 1000).toFixed(2)} ms per probe); servers process: ${serversS.toFixed(2)} s`,
    );
    // Cycles: windows of one interval from the first scheduled start.
    const t0 = Math.min(...starts.map((s) => s.scheduledAt));
    const stuckRuns = starts
      .filter((s) => s.id === 'stuck')
      .map((s) => [s.startedAt, s.startedAt + STUCK_TIMEOUT_MS] as const);
    console.log(
      'cycle  starts  spread(first→last start)  lag p50/p99/max ms  lag max while stuck in flight (n)',
    );
    for (let c = 0; c * INTERVAL_MS < wall * 1000; c++) {
      const inCycle = starts.filter(
        (s) => s.scheduledAt >= t0 + c * INTERVAL_MS && s.scheduledAt < t0 + (c + 1) * INTERVAL_MS,
      );
      if (inCycle.length === 0) continue;
      const lags = inCycle.map((s) => s.startedAt - s.scheduledAt);
      const during = inCycle.filter(
        (s) => s.id !== 'stuck' && stuckRuns.some(([a, b]) => s.scheduledAt >= a && s.scheduledAt < b),
      );
      const spread =
        Math.max(...inCycle.map((s) => s.startedAt)) - Math.min(...inCycle.map((s) => s.startedAt));
      console.log(
        `${String(c).padStart(5)}  ${String(inCycle.length).padStart(6)}  ${(spread / 1000).toFixed(2).padStart(22)} s  ` +
          `${quantile(lags, 0.5).toFixed(0)}/${quantile(lags, 0.99).toFixed(0)}/${Math.max(...lags).toFixed(0)}`.padStart(
            18,
          ) +
          `  ${during.length > 0 ? Math.max(...during.map((s) => s.startedAt - s.scheduledAt)).toFixed(0) : '-'} (${during.length})`,
      );
    }
  } finally {
    await probes.stop();
    await storage.close();
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
