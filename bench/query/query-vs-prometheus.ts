// query-vs-prometheus.ts: Vigie's PromQL over imported history, timed side by side with Prometheus.
//
//   node --import tsx bench/query/query-vs-prometheus.ts [--hosts 50] [--series 1000] [--hours 24]
//        [--step 10s] [--reps 5] [--dir PARENT] [--keep] [--no-profile] [--reuse RUN_FOLDER] [--vigie-config FILE]
//
// --reuse takes the run folder a `--keep` run printed and left behind (its vigie-data, prometheus-data and
// run.json) and skips generation and both imports, to compare code changes on the same data quickly.
//
// Generates `hours` of `step` data for `hosts` node-like hosts (~`series` series each, from the fleet
// fixture) plus a latency histogram, as one OpenMetrics file; loads it into Vigie with `vigie import` and
// into Prometheus with `promtool tsdb create-blocks-from openmetrics`; starts both on 127.0.0.1; then runs a
// 20-panel dashboard (range queries over the whole history at 60 s step) through both HTTP APIs, printing
// p50/p90 per query, the ratio, whether the answers agree (1e-9 relative), and the dashboard's total: its
// wall time and each server's CPU time per dashboard (from /proc; on a shared machine the wall time
// measures the neighbours too, and bench/query/ab-dashboard.ts compares two checkouts by CPU time).
// Finally it profiles Vigie in-process: storage select vs PromQL evaluation per panel. Everything it
// starts or writes is removed at exit (unless --keep). Figures are noisy on a shared machine.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateOpenMetricsHistory } from '../../test/fixtures/fleet/index';
import { folderBytes } from '../ingest/disk';
import { Processes } from '../ingest/processes';
import { threadCpuSeconds, treeCpuSeconds } from '../ingest/procfs';
import { compareMatrices } from './compare';
import { DASHBOARD } from './dashboard';
import { appendHistogramFamily } from './histogram-family';
import { profilePanels } from './profile';
import { PROMTOOL_BIN, runToEnd, startPrometheus, startVigie, type Server } from './servers';
import { percentile, rangeQuery, type RangeWindow } from './timing';

const MINUTE = 60_000;

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag}: expected a positive number, got "${text}"`);
  return n;
}

function durationMs(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`--${flag}: expected a duration like 10s, got "${text}"`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '50' },
    series: { type: 'string', default: '1000' },
    hours: { type: 'string', default: '24' },
    step: { type: 'string', default: '10s' },
    reps: { type: 'string', default: '5' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'no-profile': { type: 'boolean', default: false },
    reuse: { type: 'string' },
    'vigie-config': { type: 'string' },
  },
  strict: true,
});
const hosts = positive('hosts', args.hosts);
const seriesPerHost = positive('series', args.series);
const hours = positive('hours', args.hours);
const stepMs = durationMs('step', args.step);
const reps = Math.max(1, Math.round(positive('reps', args.reps)));

// A fresh run folder, inside --dir when given, so cleanup never removes anything it did not make.
if (args.dir !== undefined) mkdirSync(args.dir, { recursive: true });
const reuse = args.reuse;
if (reuse !== undefined && !existsSync(join(reuse, 'run.json')))
  throw new Error(`--reuse: ${reuse} has no run.json (keep a run with --keep first)`);
const dir = reuse ?? mkdtempSync(join(args.dir ?? tmpdir(), 'vigie-query-bench-'));
const procs = new Processes();
let cleaned = false;
/** cleanup stops every child and removes the work folder; safe to call twice. */
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  await procs.stopAll(15_000);
  if (!args.keep && reuse === undefined) rmSync(dir, { recursive: true, force: true });
}
process.on('SIGINT', () => {
  procs.killAllNow();
  if (!args.keep && reuse === undefined) rmSync(dir, { recursive: true, force: true });
  process.exit(130);
});

const log = (s: string): void => void process.stdout.write(s + '\n');
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** RunInfo is what a kept run folder's run.json records, for --reuse. */
interface RunInfo {
  start: number;
  end: number;
}

/** prepareData generates the history and imports it into both stores (or reuses a kept run's). */
async function prepareData(): Promise<RunInfo & { vigieData: string; promData: string }> {
  const vigieData = join(dir, 'vigie-data');
  const promData = join(dir, 'prometheus-data');
  if (reuse !== undefined) {
    const run = JSON.parse(readFileSync(join(reuse, 'run.json'), 'utf8')) as RunInfo;
    log(
      `reusing the data of ${reuse} (${new Date(run.start).toISOString()} – ${new Date(run.end).toISOString()})`,
    );
    return { ...run, vigieData, promData };
  }
  const end = Math.floor((Date.now() - 10 * MINUTE) / MINUTE) * MINUTE;
  const start = end - hours * 3_600_000;
  const file = join(dir, 'history.om');
  log(`query benchmark: ${hosts} hosts × ~${seriesPerHost} series, ${hours} h at ${args.step}, in ${dir}`);

  const t0 = performance.now();
  const gen = await generateOpenMetricsHistory({ file, hosts, seriesPerHost, start, end, stepMs });
  const hist = appendHistogramFamily(file, { hosts, start, end, stepMs });
  const samples = gen.samples + hist.samples;
  const fileBytes = statSync(file).size;
  log(
    `generated ${(samples / 1e6).toFixed(2)} M samples of ${gen.series + hist.series} series ` +
      `(${mb(fileBytes)}) in ${sec(performance.now() - t0)}`,
  );

  const imp = await runToEnd(procs, 'vigie import', process.execPath, [
    'bin/vigie.js',
    'import',
    '--data',
    vigieData,
    file,
  ]);
  log(
    `vigie import: ${sec(imp.ms)} (${((samples / imp.ms) * 1000).toFixed(0)} samples/s, ` +
      `${((fileBytes / 1e6 / imp.ms) * 1000).toFixed(1)} MB/s), ${mb(folderBytes(vigieData))} on disk`,
  );
  const blocks = await runToEnd(procs, 'promtool', PROMTOOL_BIN, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    file,
    promData,
  ]);
  log(
    `promtool create-blocks-from openmetrics: ${sec(blocks.ms)} ` +
      `(${((samples / blocks.ms) * 1000).toFixed(0)} samples/s), ${mb(folderBytes(promData))} on disk`,
  );
  rmSync(file, { force: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ start, end }));
  return { start, end, vigieData, promData };
}

async function main(): Promise<void> {
  const { start, end, vigieData, promData } = await prepareData();
  const vigie = await startVigie(procs, vigieData, args['vigie-config']);
  const prom = await startPrometheus(procs, dir, promData);
  // Two differences between Debian's Prometheus 2.x and 3.x (which Vigie follows) are kept out of the
  // comparison: steps sit 5 s off the 10 s sample grid, so no sample lies on a range's left edge (2.x
  // includes it, 3.x does not), and the first step is 5 min into the data, so no rate window holds a
  // series' first sample (3.x changed how rate extrapolates towards a counter's start).
  const w: RangeWindow = { start: start + 5 * MINUTE + 5_000, end: end - 55_000, stepS: 60 };
  log(`\nrange queries over ${hours} h at 60 s step; ${reps} timed runs each after one warm-up; ms`);
  log(
    pad('panel', 26) +
      ['vigie p50', 'vigie p90', 'prom p50', 'prom p90', 'ratio'].map((h) => pad(h, 10, true)).join('') +
      '  agree',
  );
  const ratios: number[] = [];
  let vigieSum = 0;
  let promSum = 0;
  let disagreements = 0;
  for (const p of DASHBOARD) {
    const times: Record<'v' | 'p', number[]> = { v: [], p: [] };
    const vFirst = await rangeQuery(vigie.url, p.query, w);
    const pFirst = await rangeQuery(prom.url, p.query, w);
    const verdict = compareMatrices(vFirst.result, pFirst.result);
    for (let i = 0; i < reps; i++) {
      times.v.push((await rangeQuery(vigie.url, p.query, w)).ms);
      times.p.push((await rangeQuery(prom.url, p.query, w)).ms);
    }
    const v50 = percentile(times.v, 50);
    const p50 = percentile(times.p, 50);
    vigieSum += v50;
    promSum += p50;
    ratios.push(v50 / p50);
    if (verdict !== undefined) disagreements++;
    log(
      pad(p.title, 26) +
        [v50, percentile(times.v, 90), p50, percentile(times.p, 90)]
          .map((x) => pad(x.toFixed(1), 10, true))
          .join('') +
        pad((v50 / p50).toFixed(2) + '×', 10, true) +
        `  ${verdict === undefined ? `yes (${vFirst.result.length} series)` : `NO: ${verdict}`}`,
    );
  }
  log(
    `\nsum of p50s: vigie ${vigieSum.toFixed(0)} ms, prometheus ${promSum.toFixed(0)} ms; ` +
      `median ratio ${percentile(ratios, 50).toFixed(2)}×; ${disagreements} panels disagree`,
  );
  const vDash = await dashboardWall(vigie, w);
  const pDash = await dashboardWall(prom, w);
  log(
    `dashboard (${DASHBOARD.length} panels at once, p50 of ${reps}): vigie ${vDash.wallMs.toFixed(0)} ms, ` +
      `prometheus ${pDash.wallMs.toFixed(0)} ms (target: vigie ≤ 1000 ms)`,
  );
  log(
    `server CPU per dashboard: vigie ${vDash.cpuMs.toFixed(0)} ms (main thread ${vDash.mainMs.toFixed(0)} ms), ` +
      `prometheus ${pDash.cpuMs.toFixed(0)} ms; machine load ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`,
  );

  if (!args['no-profile']) {
    await procs.stop(vigie.process, 'SIGTERM');
    log('\nvigie in-process profile (median of 3): where the time goes, ms');
    log(
      pad('panel', 26) +
        ['total', 'select', 'engine', 'series', 'samples'].map((h) => pad(h, 11, true)).join(''),
    );
    for (const r of await profilePanels(vigieData, DASHBOARD, w, 3)) {
      log(
        pad(r.title, 26) +
          [r.totalMs.toFixed(1), r.selectMs.toFixed(1), (r.totalMs - r.selectMs).toFixed(1)]
            .map((x) => pad(x, 11, true))
            .join('') +
          pad(String(r.series), 11, true) +
          pad(String(r.samples), 11, true),
      );
    }
  }
}

/** DashboardRun is the p50 wall time of the whole dashboard and the server's CPU time per dashboard. */
interface DashboardRun {
  wallMs: number;
  /** cpuMs is the server process tree's CPU per dashboard (all threads); mainMs its main thread's. */
  cpuMs: number;
  mainMs: number;
}

/**
 * dashboardWall fires every panel at once, as a dashboard page does, and returns the p50 wall time with the
 * server's mean CPU time per dashboard: on a shared machine the wall time measures the neighbours too, the
 * CPU time (from /proc) does not.
 */
async function dashboardWall(s: Server, w: RangeWindow): Promise<DashboardRun> {
  const walls: number[] = [];
  const pid = s.process.pid;
  const cpu0 = treeCpuSeconds(pid);
  const main0 = threadCpuSeconds(pid).get('main') ?? 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await Promise.all(DASHBOARD.map((p) => rangeQuery(s.url, p.query, w)));
    walls.push(performance.now() - t0);
  }
  return {
    wallMs: percentile(walls, 50),
    cpuMs: ((treeCpuSeconds(pid) - cpu0) * 1000) / reps,
    mainMs: (((threadCpuSeconds(pid).get('main') ?? 0) - main0) * 1000) / reps,
  };
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.length > n - 1 ? s.slice(0, n - 2) + '… ' : s.padEnd(n);
}

try {
  await main();
} catch (err) {
  process.stderr.write(`query benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
