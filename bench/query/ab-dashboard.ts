// ab-dashboard.ts: CPU time of `vigie serve` per 20-panel dashboard, two checkouts side by side in one run
// (alternating, so that both see the same machine load). On a shared machine the wall time of a dashboard
// measures the neighbours; the server's CPU time (from /proc, all threads and the main thread) does not.
//
//   node --import tsx bench/query/ab-dashboard.ts --data RUN_FOLDER --a CHECKOUT --b CHECKOUT [--rounds 3]
//        [--reps 5]
//
// RUN_FOLDER is a folder kept by `query-vs-prometheus.ts --keep` (its vigie-data is copied, not written).
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { waitFor } from '../ingest/net';
import { Processes } from '../ingest/processes';
import { threadCpuSeconds, treeCpuSeconds } from '../ingest/procfs';
import { DASHBOARD } from './dashboard';
import { percentile, rangeQuery, type RangeWindow } from './timing';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    a: { type: 'string' },
    b: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    reps: { type: 'string', default: '5' },
  },
});
if (args.data === undefined || args.a === undefined || args.b === undefined)
  throw new Error('usage: --data RUN_FOLDER --a CHECKOUT --b CHECKOUT');
const run = JSON.parse(readFileSync(join(args.data, 'run.json'), 'utf8')) as { start: number; end: number };
const w: RangeWindow = { start: run.start + 305_000, end: run.end - 55_000, stepS: 60 };
const procs = new Processes();
const work = mkdtempSync(join(tmpdir(), 'vigie-ab-'));

/** measure starts vigie serve from one checkout over a copy of the data and times `reps` dashboards after two warm ones. */
async function measure(root: string): Promise<{ cpu: number; main: number; wall: number }> {
  const data = join(work, 'data');
  rmSync(data, { recursive: true, force: true });
  cpSync(join(args.data!, 'vigie-data'), data, { recursive: true });
  const p = await procs.start(
    'vigie',
    process.execPath,
    [
      join(root, 'bin/vigie.js'),
      'serve',
      '--no-mdns',
      '--no-local-agent',
      '--listen',
      '127.0.0.1:0',
      '--data',
      data,
    ],
    { cwd: root },
  );
  try {
    const url = await waitFor(
      'vigie serve',
      async () => /Vigie is running at (http:\/\/\S+?)\/ /.exec(p.output())?.[1],
      {
        timeoutMs: 120_000,
        abort: () => (p.hasExited() ? `exited: ${p.output().slice(-500)}` : undefined),
      },
    );
    const dashboard = () => Promise.all(DASHBOARD.map((q) => rangeQuery(url, q.query, w)));
    for (let i = 0; i < 2; i++) await dashboard();
    const reps = Number(args.reps);
    const [cpu0, main0] = [treeCpuSeconds(p.pid), threadCpuSeconds(p.pid).get('main') ?? 0];
    const walls: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await dashboard();
      walls.push(performance.now() - t0);
    }
    return {
      cpu: ((treeCpuSeconds(p.pid) - cpu0) * 1000) / reps,
      main: (((threadCpuSeconds(p.pid).get('main') ?? 0) - main0) * 1000) / reps,
      wall: percentile(walls, 50),
    };
  } finally {
    await procs.stop(p, 'SIGTERM');
  }
}

try {
  console.log(`per 20-panel dashboard over 24 h at 60 s step, ms: a = ${args.a}, b = ${args.b}`);
  for (let r = 0; r < Number(args.rounds); r++)
    for (const [name, root] of [
      ['a', args.a],
      ['b', args.b],
    ] as const) {
      const m = await measure(root);
      console.log(
        `${name}: CPU ${m.cpu.toFixed(0)} (main thread ${m.main.toFixed(0)}), wall p50 ${m.wall.toFixed(0)}; ` +
          `load ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`,
      );
    }
} finally {
  await procs.stopAll(10_000);
  rmSync(work, { recursive: true, force: true });
}
