// bench/alerts/rule-eval.ts: time of one evaluation cycle of ~200 rules (the default pack, a recording group
// and generated threshold rules, bench-rules.ts) over 50 simulated node_exporter hosts of ~1000 series each
// (test/fixtures/fleet), on the DuckDB store with recent head data; target ≤ 200 ms per cycle.
// Each cycle first appends one scrape of every host (not timed), then evaluates every group at that time.
// A/B in one run: cycles alternate between the manager as wired in the appliance (per-cycle select cache,
// `engineFor`) and one querying the store for every selector; wall and CPU time per cycle, p50 and p95.
//   node --import tsx bench/alerts/rule-eval.ts [--hosts 50] [--series 1000] [--rules 200] [--cycles 20]
//     [--history 90]     (steps of 10 s written before the first cycle)  [--ab 0]  (cached manager only)
//     [--shared 0]       (rules of a cycle do not share subexpression results)
//     [--profile 1]      (CPU profile of the cycles after the first to /tmp/rule-eval.cpuprofile; summarise
//                         with bench/ingest/cpuprofile-summary.ts)
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../src-main/promql/engine';
import { openDuckDBStorage } from '../../src-main/storage/duckdb/index';
import type { Storage } from '../../src-main/storage/api';
import { createRuleManager } from '../../src-main/rules/manager';
import { buildHostModel } from '../../test/fixtures/fleet/index';
import type { HostModel } from '../../test/fixtures/fleet/host-model';
import { benchGroups } from './bench-rules';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

const HOSTS = arg('hosts', 50);
const SERIES = arg('series', 1000);
const RULES = arg('rules', 200);
const CYCLES = arg('cycles', 20);
const HISTORY = arg('history', 90);
/** AB 0 runs only the cached manager; PROFILE 1 writes a CPU profile of the cycles after the first. */
const AB = arg('ab', 1);
const PROFILE = arg('profile', 0);
/** SHARED 0 turns off sharing subexpression results between the rules of one cycle (for an A/B). */
const SHARED = arg('shared', 1);
const STEP = 10_000;

/** Fleet is the simulated hosts with each series' labels parsed once and its storage ref cached. */
interface FleetSeries {
  host: HostModel;
  series: {
    labels: Record<string, string>;
    ref: number;
    s: { value: number; advanceTo(ms: number): void };
  }[];
}

function parseLabels(name: string, text: string): Record<string, string> {
  const labels: Record<string, string> = { __name__: name };
  for (const m of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
    labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
  return labels;
}

function buildFleet(anchor: number): FleetSeries[] {
  return Array.from({ length: HOSTS }, (_, index) => {
    const host = buildHostModel({
      seed: 1,
      index,
      seriesPerHost: SERIES,
      anchorMs: anchor,
      extraLabels: (n) => ({ instance: `${n}:9100`, job: 'node' }),
    });
    const series: FleetSeries['series'] = host.families.flatMap((f) =>
      f.series.map((s) => ({ labels: parseLabels(s.sampleName, s.labelText), ref: 0, s })),
    );
    // The scrape's own series: up (a few hosts down late in the history) and scrape_duration_seconds.
    const base = { instance: `${host.nodename}:9100`, job: 'node' };
    for (const name of ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'])
      series.push({ labels: { __name__: name, ...base }, ref: 0, s: { value: 1, advanceTo: () => {} } });
    return { host, series };
  });
}

/** scrape appends every host's series at t, as one commit per host (one scrape each). */
async function scrape(storage: Storage, fleet: FleetSeries[], t: number, step: number): Promise<void> {
  for (const [h, f] of fleet.entries()) {
    const app = storage.appender();
    for (const x of f.series) {
      x.s.advanceTo(t);
      let v = x.s.value;
      if (x.labels.__name__ === 'up') v = h % 17 === 0 && step > HISTORY / 2 ? 0 : 1;
      x.ref = app.append(x.ref, x.labels, t, v);
    }
    await app.commit();
  }
}

/** mainThreadCpuMs is the main thread's user + system time (/proc, 10 ms ticks): without DuckDB's threads. */
function mainThreadCpuMs(): number {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-bench-alerts-'));
  const storage = await openDuckDBStorage({ dir });
  try {
    const t0 = Math.floor(Date.now() / STEP) * STEP - (HISTORY + CYCLES) * STEP;
    const fleet = buildFleet(t0);
    const loadStart = performance.now();
    for (let i = 0; i < HISTORY; i++) await scrape(storage, fleet, t0 + i * STEP, i);
    const stats = await storage.stats();
    console.log(
      `data: ${HOSTS} hosts, ${stats.series} series, ${stats.samples} samples written in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`,
    );
    const groups = benchGroups(RULES);
    let sent = 0;
    const make = (cached: boolean) =>
      createRuleManager(
        {
          engine: createEngine(storage.querier()),
          ...(cached ? { engineFor: (q) => createEngine(q) } : {}),
          ...(SHARED === 0 ? { sharedResults: { maxSamples: 0 } } : {}),
          storage,
          send: (a) => (sent += a.length),
          evaluationIntervalMs: STEP,
          autoRun: false,
          builtin: () => groups,
          log: () => {},
        },
        [],
      );
    const managers = [await make(true), await make(false)];
    const ruleCount = managers[0]!.groups().reduce((n, g) => n + g.rules.length, 0);
    const wall: number[][] = [[], []];
    const cpu: number[][] = [[], []];
    const main: number[][] = [[], []];
    const session = new Session();
    for (let c = 0; c < 2 * CYCLES; c++) {
      if (c === 2 && PROFILE === 1) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      }
      const step = HISTORY + Math.floor(c / 2);
      const ts = t0 + step * STEP;
      if (c % 2 === 0) await scrape(storage, fleet, ts, step);
      const which = c % 2;
      if (which === 1 && AB === 0) continue;
      // The manager evaluates half a step later than the scrape so the two never write at the same time.
      const evalTs = ts + (which === 0 ? 2_000 : 7_000);
      const c0 = process.cpuUsage();
      const m0 = mainThreadCpuMs();
      const w0 = performance.now();
      await managers[which]!.evaluateAt(evalTs);
      wall[which]!.push(performance.now() - w0);
      const dc = process.cpuUsage(c0);
      cpu[which]!.push((dc.user + dc.system) / 1000);
      main[which]!.push(mainThreadCpuMs() - m0);
    }
    if (PROFILE === 1) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile('/tmp/rule-eval.cpuprofile', JSON.stringify(profile));
      session.disconnect();
    }
    const health = managers[0]!.groups().flatMap((g) => g.rules.filter((r) => r.health === 'err'));
    const active = managers[0]!.alerts().length;
    const slowest = managers[0]!
      .groups()
      .flatMap((g) => g.rules)
      .sort((a, b) => b.evaluationMs - a.evaluationMs)
      .slice(0, 5);
    for (const m of managers) await m.stop();
    console.log(
      `rule evaluation: ${ruleCount} rules in ${groups.length} groups × ${HOSTS} hosts, ${CYCLES} cycles each (first cycle included)`,
    );
    for (const [i, label] of ['select cache (engineFor)', 'no cache (engine)'].entries())
      if (wall[i]!.length > 0)
        console.log(
          `  ${label.padEnd(26)} wall p50 ${pct(wall[i]!, 0.5).toFixed(0)} ms, p95 ${pct(wall[i]!, 0.95).toFixed(0)} ms; ` +
            `CPU p50 ${pct(cpu[i]!, 0.5).toFixed(0)} ms, p95 ${pct(cpu[i]!, 0.95).toFixed(0)} ms ` +
            `(main thread p50 ${pct(main[i]!, 0.5).toFixed(0)} ms, p95 ${pct(main[i]!, 0.95).toFixed(0)} ms) (target ≤ 200 ms)`,
        );
    for (const w of wall)
      if (w.length > 0)
        console.log(`    wall per cycle, in order (ms): ${w.map((x) => x.toFixed(0)).join(' ')}`);
    console.log(
      `  active alerts: ${active}, sent to the notifier: ${sent}, rules in error: ${health.length}`,
    );
    for (const r of health.slice(0, 5)) console.log(`    ${r.name}: ${r.lastError}`);
    console.log('  slowest rules in the last cached cycle:');
    for (const r of slowest)
      console.log(`    ${r.evaluationMs.toFixed(1).padStart(7)} ms  ${r.query.slice(0, 110)}`);
    console.log(
      `  load average at the end: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
