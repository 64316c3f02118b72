// engine-columnar.ts: PromQL engine time alone (no storage), step-by-step vs columnar evaluation, over
// synthetic counters held in memory: what the engine costs per dashboard panel once the data is selected.
//
//   node --import tsx bench/query/engine-columnar.ts [--series 200] [--hours 24] [--reps 5]
import { parseArgs } from 'node:util';
import type { Labels } from '../../src-main/common/labels';
import { matchesAll, type Matcher } from '../../src-main/common/matcher';
import { createEngine } from '../../src-main/promql/engine';
import type { Querier, SeriesData } from '../../src-main/storage/api';
import { percentile } from './timing';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '200' },
    hours: { type: 'string', default: '24' },
    reps: { type: 'string', default: '5' },
  },
});
const nSeries = Number(args.series);
const hours = Number(args.hours);
const reps = Number(args.reps);
const STEP = 10_000;
const start = 1_700_000_000_000;
const end = start + hours * 3_600_000;

/** series makes nSeries counters of 10 s samples, spread over instances, cpus and modes. */
function series(): SeriesData[] {
  const out: SeriesData[] = [];
  const n = Math.floor((end - start) / STEP) + 1;
  for (let s = 0; s < nSeries; s++) {
    const labels: Labels = {
      __name__: 'node_cpu_seconds_total',
      instance: `host${s % 2}`,
      cpu: String(Math.floor(s / 16)),
      mode: `m${(s >> 1) % 8}`,
    };
    const t = new Float64Array(n);
    const v = new Float64Array(n);
    let x = 0;
    for (let i = 0; i < n; i++) {
      t[i] = start + i * STEP;
      x += Math.round(((s * 7 + i * 13) % 100) / 10) / 100;
      v[i] = x;
    }
    out.push({ labels, t, v });
  }
  return out;
}

const data = series();
const querier: Querier = {
  select: async (m: readonly Matcher[], mint, maxt) =>
    data
      .filter((s) => matchesAll(m, s.labels))
      .map((s) => {
        const lo = Math.max(0, Math.ceil((mint - start) / STEP));
        const hi = Math.min(s.t.length, Math.floor((maxt - start) / STEP) + 1);
        return { labels: s.labels, t: s.t.subarray(lo, hi), v: s.v.subarray(lo, hi) };
      }),
  series: async () => [],
  labelNames: async () => [],
  labelValues: async () => [],
  metadata: async () => new Map(),
};

const QUERIES = process.env.Q
  ? [process.env.Q]
  : [
      'sum by (instance) (rate(node_cpu_seconds_total{mode!="m0"}[5m]))',
      'sum by (mode) (rate(node_cpu_seconds_total[5m]))',
      '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="m0"}[5m]))',
      'topk(5, rate(node_cpu_seconds_total[5m]))',
      'node_cpu_seconds_total / 2',
    ];
const step = createEngine(querier, { columnarMaxCells: 0 });
const columnar = createEngine(querier);
const qs = { start: start + 300_000 + 5_000, end: end - 55_000, step: 60_000 };
console.log(
  `${nSeries} series × ${hours} h of 10 s samples, range query at 60 s step; CPU ms, p50 of ${reps}`,
);
for (const q of QUERIES) {
  const cpu = { step: [] as number[], columnar: [] as number[] };
  for (let r = 0; r < reps + 1; r++)
    for (const [name, e] of [
      ['step', step],
      ['columnar', columnar],
    ] as const) {
      const c0 = process.cpuUsage();
      await e.rangeQuery(q, qs.start, qs.end, qs.step);
      const c = process.cpuUsage(c0);
      if (r > 0) cpu[name].push((c.user + c.system) / 1000);
    }
  const [a, b] = [percentile(cpu.step, 50), percentile(cpu.columnar, 50)];
  console.log(
    `${a.toFixed(1).padStart(8)} ${b.toFixed(1).padStart(8)} ${(a / b).toFixed(1).padStart(5)}×  ${q}`,
  );
}
