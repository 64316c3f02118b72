// bench/promql-engine.ts: PromQL engine throughput over the in-memory reference storage. It loads SERIES
// counters scraped every 15 s for 24 h, then times typical dashboard and rule queries (instant and a 24 h
// range at a 1 m step) and prints ms per query and evaluated points per second. The engine fetches data up
// front, so the figures are evaluation cost, not storage cost. Figures are noisy on a shared machine.
// Run: node --import tsx bench/promql-engine.ts [series=200]
import { createEngine } from '../src-main/promql/engine';
import { MemoryStorage } from '../src-main/storage/memory/memory-storage';

const SERIES = Number(process.argv[2] ?? 200);
const SCRAPE_MS = 15_000;
const SPAN_MS = 24 * 3600_000;
const STEP_MS = 60_000;

async function load(): Promise<MemoryStorage> {
  const s = new MemoryStorage();
  const app = s.appender();
  for (let i = 0; i < SERIES; i++) {
    const labels = { __name__: 'http_requests_total', instance: `host${i % 20}`, path: `/p${i}` };
    let v = 0;
    for (let t = 0; t <= SPAN_MS; t += SCRAPE_MS) {
      v += (i % 7) + 1;
      app.append(0, labels, t, v);
    }
  }
  await app.commit();
  return s;
}

const QUERIES = [
  'http_requests_total',
  'rate(http_requests_total[5m])',
  'sum by (instance) (rate(http_requests_total[5m]))',
  'topk(5, rate(http_requests_total[5m]))',
  'max_over_time(rate(http_requests_total[5m])[30m:1m])',
  'histogram_quantile(0.9, sum by (le) (label_replace(rate(http_requests_total[5m]), "le", "$1", "path", "/p(.)")))',
];

const t0 = performance.now();
const storage = await load();
console.log(
  `loaded ${SERIES} series x ${SPAN_MS / SCRAPE_MS + 1} samples in ${(performance.now() - t0).toFixed(0)} ms`,
);
const engine = createEngine(storage.querier());
for (const q of QUERIES) {
  let start = performance.now();
  await engine.instantQuery(q, SPAN_MS);
  const instantMs = performance.now() - start;
  start = performance.now();
  const r = await engine.rangeQuery(q, SPAN_MS - 6 * 3600_000, SPAN_MS, STEP_MS);
  const rangeMs = performance.now() - start;
  const points = r.value.type === 'matrix' ? r.value.series.reduce((a, s) => a + s.t.length, 0) : 0;
  console.log(
    `${q}\n  instant ${instantMs.toFixed(1)} ms | 6h range @1m ${rangeMs.toFixed(0)} ms, ${points} points, ${(
      (points / rangeMs) *
      1000
    ).toFixed(0)} points/s`,
  );
}
