// scrape-cpu.ts: CPU time per sample of Vigie's whole ingest path in one process — HTTP GET of simulated
// node_exporter pages over loopback → exposition parser → series cache → DuckDB store (commit, and the
// store's own background flushes) — without the rest of `vigie serve`. The simulated hosts run in a child
// process, so the figures are the scraper's own CPU (all threads, process.cpuUsage). A quick A/B tool for the
// ingest hot path: bench/ingest/ingest-vs-prometheus.ts gives the figure that counts.
//
//   node --import tsx bench/ingest/scrape-cpu.ts [--hosts 20] [--series 1000] [--rounds 60]
//        [--server-idle-ms 0] [--store duckdb|none]
//
// --server-idle-ms is the hosts' HTTP keep-alive timeout: 0 keeps idle connections open as node_exporter
// (Go's net/http) does; 1 makes every scrape open a new connection, as a Node server with its default 5 s
// timeout does for a 10 s scrape interval. Scrape timestamps advance 10 s per round; rounds run back to back.
// Bounded: the child exits with its parent; the temp folder is removed at the end. Noisy on a shared machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { scrapeConfig } from '../../src-main/config/api';
import { createParser } from '../../src-main/scrape/exposition/parser';
import { ScrapeHttpClient } from '../../src-main/scrape/http';
import { ScrapeLoop } from '../../src-main/scrape/loop';
import { buildTarget, type ScrapeTarget } from '../../src-main/scrape/target';
import type { Appender } from '../../src-main/storage/api';
import { openDuckDBStorage } from '../../src-main/storage/duckdb/index';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '20' },
    series: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '60' },
    'server-idle-ms': { type: 'string', default: '0' },
    store: { type: 'string', default: 'duckdb' },
  },
});
const HOSTS = Number(values.hosts);
const ROUNDS = Number(values.rounds);
if (values.store !== 'duckdb' && values.store !== 'none')
  throw new Error(`--store: expected duckdb or none, got "${values.store}"`);

/** CHILD serves one simulated host per port with the fleet fixture's model and exposition. */
const CHILD = `
import http from 'node:http';
import { buildHostModel, renderText, TEXT_CONTENT_TYPE } from ${JSON.stringify(new URL('../../test/fixtures/fleet/index.ts', import.meta.url).pathname)};
const [hosts, series, idle] = process.argv.slice(-3).map(Number);
const ports = [];
for (let index = 0; index < hosts; index++) {
  const model = buildHostModel({ seed: 1, index, seriesPerHost: series, anchorMs: Date.now() });
  const s = http.createServer((req, res) => {
    model.advanceTo(Date.now());
    res.writeHead(200, { 'content-type': TEXT_CONTENT_TYPE }).end(renderText(model));
  });
  s.keepAliveTimeout = idle;
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  ports.push(s.address().port);
}
process.stdout.write(JSON.stringify(ports) + '\\n');
process.on('disconnect', () => process.exit(0));
`;

async function startHosts(): Promise<{ ports: number[]; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      CHILD,
      '--',
      values.hosts,
      values.series,
      values['server-idle-ms'],
    ],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  const ports = await new Promise<number[]>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.trim()) as number[]);
    });
    child.once('exit', (code) => reject(new Error(`simulated hosts exited with ${code}`)));
  });
  return { ports, stop: () => child.kill('SIGKILL') };
}

/** noopAppender accepts everything, so --store none shows the scrape stage alone. */
function noopAppender(): () => Appender {
  let next = 1;
  return () => ({
    append: (ref: number) => (ref !== 0 ? ref : next++),
    setMetadata: () => {},
    commit: async () => {},
    rollback: () => {},
  });
}

const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-scrape-cpu-'));
const hosts = await startHosts();
const store = values.store === 'duckdb' ? await openDuckDBStorage({ dir }) : undefined;
const client = new ScrapeHttpClient({ gzipOnLoopback: false });
try {
  let t = Date.now() - ROUNDS * 10_000;
  const cfg = scrapeConfig('node', { scrape_interval: 10_000, scrape_timeout: 10_000 });
  const appender = store ? () => store.appender() : noopAppender();
  const loops = hosts.ports.map((port) => {
    const target = buildTarget({ __address__: `127.0.0.1:${port}` }, {}, cfg) as ScrapeTarget;
    return new ScrapeLoop({
      target,
      settings: {
        intervalMs: 10_000,
        timeoutMs: 10_000,
        bodySizeLimit: 0,
        append: {
          targetLabels: target.labels,
          honorLabels: false,
          honorTimestamps: true,
          sampleLimit: 0,
          labelLimit: 0,
          labelNameLengthLimit: 0,
          labelValueLengthLimit: 0,
          maxFutureMs: 600_000,
        },
      },
      fetcher: client,
      appender,
      createParser,
      now: () => t,
      log: () => {},
      offsetSeed: 0,
    });
  });
  const round = async () => {
    t += 10_000;
    for (const l of loops) await l.scrapeOnce();
  };
  // Warm-up: the first scrapes fill the caches and the series index and let the JIT settle.
  for (let i = 0; i < 5; i++) await round();
  const down = loops.find((l) => l.health !== 'up');
  if (down) throw new Error(`warm-up scrape of ${down.target.url} failed: ${down.lastError}`);
  const samples0 = (await store?.stats())?.samples ?? 0;
  const load0 = loadavg()[0]!;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) await round();
  await store?.flush();
  const cpu = process.cpuUsage(cpu0);
  const perScrape = loops.reduce((n, l) => n + l.cache.size, 0) / loops.length + 4;
  const samples = store ? (await store.stats()).samples - samples0 : perScrape * HOSTS * ROUNDS;
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    `${HOSTS} hosts × ${ROUNDS} rounds, server idle timeout ${values['server-idle-ms']} ms, store ${values.store}: ` +
      `${samples} samples, ${cpuS.toFixed(2)} CPU-s (user ${(cpu.user / 1e6).toFixed(2)}) = ` +
      `${((cpuS / samples) * 1e6).toFixed(2)} CPU-s per 1M samples; load ${load0.toFixed(1)}→${loadavg()[0]!.toFixed(1)}`,
  );
} finally {
  client.close();
  await store?.close();
  hosts.stop();
  rmSync(dir, { recursive: true, force: true });
}
