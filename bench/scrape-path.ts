// bench/scrape-path.ts: CPU time per sample of the whole scrape hot path — HTTP GET over loopback of a
// 1000-series node_exporter-like body → exposition parser → series cache → Appender → commit — into a no-op
// appender and into MemoryStorage. The exporter runs in a child process so the figures are the scraper's own
// CPU time. Bounded: SCRAPES scrapes per case (default 300). Figures are noisy on a shared machine.
//
//   npx tsx bench/scrape-path.ts [scrapes]
import { spawn } from 'node:child_process';
import type { Labels } from '../src-main/common/labels';
import { scrapeConfig, type ScrapeConfig } from '../src-main/config/api';
import { createParser } from '../src-main/scrape/exposition/parser';
import { ScrapeHttpClient } from '../src-main/scrape/http';
import { ScrapeLoop } from '../src-main/scrape/loop';
import { buildTarget, type ScrapeTarget } from '../src-main/scrape/target';
import type { Appender } from '../src-main/storage/api';
import { MemoryStorage } from '../src-main/storage/memory/memory-storage';

const SCRAPES = Number(process.argv[2] ?? 300);

/** nodeLikeBody builds ~1000 series shaped like node_exporter's, with HELP and TYPE lines. */
function nodeLikeBody(): string {
  const lines: string[] = [];
  const family = (name: string, type: string, help: string, series: string[]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...series);
  };
  const cpu: string[] = [];
  for (let c = 0; c < 32; c++)
    for (const mode of ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'])
      cpu.push(`node_cpu_seconds_total{cpu="${c}",mode="${mode}"} ${(123456.78 + c * 13.1).toFixed(2)}`);
  family('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode.', cpu);
  const fs: string[] = [];
  for (let d = 0; d < 40; d++)
    for (const m of ['avail', 'free', 'size'])
      fs.push(
        `node_filesystem_${m}_bytes{device="/dev/sda${d}",fstype="ext4",mountpoint="/mnt/disk${d}"} ${1.2e11 + d * 1e9}`,
      );
  family(
    'node_filesystem_avail_bytes',
    'gauge',
    'Filesystem space available to non-root users in bytes.',
    fs,
  );
  const net: string[] = [];
  for (let i = 0; i < 60; i++)
    for (const dir of ['receive', 'transmit'])
      for (const what of ['bytes', 'packets', 'errs'])
        net.push(`node_network_${dir}_${what}_total{device="eth${i}"} ${9.87654321e9 + i}`);
  family('node_network_receive_bytes_total', 'counter', 'Network device statistic.', net);
  const rest: string[] = [];
  for (let i = 0; cpu.length + fs.length + net.length + rest.length < 1000; i++)
    rest.push(`node_vmstat_field_${i} ${i * 1000 + 0.5}`);
  family('node_vmstat_field_0', 'untyped', 'Field from /proc/vmstat.', rest);
  return lines.join('\n') + '\n';
}

/** startExporter serves body from a child process on loopback and resolves with its address. */
async function startExporter(body: string): Promise<{ address: string; stop: () => void }> {
  const script = `
    const http = require('node:http');
    const body = process.env.BODY;
    const s = http.createServer((req, res) => { res.setHeader('Content-Type', 'text/plain; version=0.0.4'); res.end(body); });
    s.keepAliveTimeout = 60000;
    s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));
    process.on('disconnect', () => process.exit(0));`;
  const child = spawn(process.execPath, ['-e', script], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, BODY: body },
  });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', () => reject(new Error('exporter exited')));
  });
  return { address: `127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}

/** noopAppender accepts everything and hands out refs, so the figures show the scrape stage alone. */
function noopAppender(): () => Appender {
  let next = 1;
  return () => ({
    append: (ref: number, _labels: Labels, _t: number, _v: number) => (ref !== 0 ? ref : next++),
    setMetadata: () => {},
    commit: async () => {},
    rollback: () => {},
  });
}

async function run(
  name: string,
  target: ScrapeTarget,
  cfg: ScrapeConfig,
  appender: () => Appender,
): Promise<void> {
  const client = new ScrapeHttpClient();
  let t = 1_700_000_000_000;
  const loop = new ScrapeLoop({
    target,
    settings: {
      intervalMs: cfg.scrape_interval,
      timeoutMs: cfg.scrape_timeout,
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
    now: () => (t += 15_000),
    log: () => {},
    offsetSeed: 0,
  });
  // Warm-up: the first scrape fills the cache (labels built once), and lets the JIT settle.
  for (let i = 0; i < 20; i++) await loop.scrapeOnce();
  if (loop.health !== 'up') throw new Error(`warm-up scrape failed: ${loop.lastError}`);
  const samplesPerScrape = (await loopSamples(loop)) ?? 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < SCRAPES; i++) await loop.scrapeOnce();
  const wall = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  await loop.stop(false);
  client.close();
  const cpuUs = cpu.user + cpu.system;
  const samples = samplesPerScrape * SCRAPES;
  console.log(
    `${name.padEnd(28)} ${SCRAPES} scrapes × ${samplesPerScrape} samples: ` +
      `${(cpuUs / samples).toFixed(3)} µs CPU/sample, ${((samples / cpuUs) * 1e6).toFixed(0)} samples/s per core, ` +
      `${((wall * 1000) / SCRAPES).toFixed(0)} µs wall/scrape`,
  );
}

/** loopSamples reads how many samples one scrape of the loop appends (its cache size). */
async function loopSamples(loop: ScrapeLoop): Promise<number> {
  return loop.cache.size;
}

const body = nodeLikeBody();
const exporter = await startExporter(body);
try {
  const cfg: ScrapeConfig = scrapeConfig('bench', { scrape_interval: 15_000, scrape_timeout: 10_000 });
  const target = buildTarget({ __address__: exporter.address }, { env: 'bench' }, cfg) as ScrapeTarget;
  console.log(`body: ${body.length} bytes; figures are noisy on a shared machine`);
  await run('no-op appender', target, cfg, noopAppender());
  const store = new MemoryStorage();
  await run('MemoryStorage appender', target, cfg, () => store.appender());
} finally {
  exporter.stop();
}
