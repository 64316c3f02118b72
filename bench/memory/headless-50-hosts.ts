// headless-50-hosts.ts: idle resident memory of the headless core scraping a simulated fleet of 50 hosts.
// Prints, every --every seconds after a warm-up, the RSS of `vigie serve --no-mdns --no-local-agent` split
// into anonymous and file-backed memory (/proc/PID/smaps_rollup), and where the anonymous part goes: V8's
// heap, Node's external buffers and DuckDB's buffer manager (duckdb_memory()), read inside the process by
// memory-probe.js. Target (issue 7): ≤ 150 MB RSS.
//
//   node --import tsx bench/memory/headless-50-hosts.ts [--hosts 50] [--series 1000] [--interval 10s]
//        [--warmup 30s] [--seconds 60] [--every 10s] [--bundle] [--heap-snapshot] [--keep-snapshot FILE]
//        [--entry FILE] [--node-flag=--v8-flag …]
//
// --entry FILE runs that script instead of bin/vigie.js or the bundle (e.g. a bundle of another revision, for
// an A/B in one run of two benches side by side).
// --bundle runs the CLI bundled by esbuild (as the desktop app runs the core) instead of through tsx, whose
// compiler otherwise sits in the measured heap. --heap-snapshot ends with a V8 heap snapshot of the core and
// prints its largest kinds of objects (the snapshot pauses the process for a few seconds). Everything listens on 127.0.0.1; every child and temp folder
// is removed at the end, on error and on Ctrl-C. Figures are noisy on a shared machine.
import { build } from 'esbuild';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fetchText, waitFor, watchfulSleep } from '../ingest/net';
import { superviseBench, type Managed } from '../ingest/processes';
import { clockTicks, readStat, treeRssBytes } from '../ingest/procfs';
import { parseDuration, scrapeConfigYaml } from '../ingest/scrape-config';
import { lastLines, readStorageStatus, startVigie } from '../ingest/vigie';
import { startFleetProcess } from '../ingest/fleet-process';
import { summarizeHeapSnapshot } from './heap-summary';
import { fileRssByPath, readSmapsRollup, type SmapsRollup } from './smaps';

const root = new URL('../..', import.meta.url).pathname;
const MB = 1e6;
const TARGET_MB = 150;

/** ProbeReport is what memory-probe.js writes. */
interface ProbeReport {
  t: number;
  memoryUsage: NodeJS.MemoryUsage;
  heap: { used_heap_size: number; total_heap_size: number; malloced_memory: number };
  spaces: { space: string; used: number; committed: number }[];
  snapshot?: string;
  duckdb: { tag: string; bytes: number; value?: string }[];
}

function options() {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string', default: '50' },
      series: { type: 'string', default: '1000' },
      interval: { type: 'string', default: '10s' },
      warmup: { type: 'string', default: '30s' },
      seconds: { type: 'string', default: '60' },
      every: { type: 'string', default: '10s' },
      bundle: { type: 'boolean', default: false },
      'heap-snapshot': { type: 'boolean', default: false },
      'keep-snapshot': { type: 'string' },
      entry: { type: 'string' },
      'node-flag': { type: 'string', multiple: true, default: [] },
    },
  });
  return {
    hosts: Number(values.hosts),
    series: Number(values.series),
    intervalMs: parseDuration('interval', values.interval),
    warmupMs: parseDuration('warmup', values.warmup),
    seconds: Number(values.seconds),
    everyMs: parseDuration('every', values.every),
    bundle: values.bundle,
    heapSnapshot: values['heap-snapshot'] || values['keep-snapshot'] !== undefined,
    keepSnapshot: values['keep-snapshot'],
    entry: values.entry,
    nodeFlags: values['node-flag'],
  };
}

/** probe asks the child for its memory view and waits for the fresh report. */
async function probe(p: Managed, file: string, timeoutMs = 15_000): Promise<ProbeReport> {
  const asked = Date.now();
  p.child.kill('SIGUSR2');
  return waitFor(
    'memory probe',
    async () => {
      if (!existsSync(file)) return undefined;
      const r = JSON.parse(readFileSync(file, 'utf8')) as ProbeReport;
      return r.t >= asked ? r : undefined;
    },
    { timeoutMs, abort: () => (p.hasExited() ? 'vigie exited' : undefined) },
  );
}

const mb = (b: number): string => (b / MB).toFixed(1);

/** row formats one sample line. */
function row(elapsedS: number, s: SmapsRollup, tree: number, r: ProbeReport, samples: number): string {
  const duck = r.duckdb.filter((d) => d.bytes > 0).reduce((a, d) => a + d.bytes, 0);
  const native = s.anonymous - r.memoryUsage.heapTotal - r.memoryUsage.external - duck;
  return [
    `${String(elapsedS).padStart(5)}s`,
    mb(s.rss).padStart(7),
    mb(s.anonymous).padStart(7),
    mb(s.fileBacked).padStart(7),
    mb(tree).padStart(7),
    mb(r.memoryUsage.heapUsed).padStart(7),
    mb(r.memoryUsage.heapTotal).padStart(7),
    mb(r.memoryUsage.external).padStart(7),
    mb(duck).padStart(7),
    mb(native).padStart(8),
    String(samples).padStart(10),
  ].join(' ');
}

async function main(): Promise<void> {
  const o = options();
  const bound = Math.ceil((o.warmupMs / 1000 + o.seconds) * 1.5) + 180;
  const bundleFile = join(root, 'dist', `vigie-cli-bench-${process.pid}.js`);
  const { dir, procs, cleanup } = superviseBench('vigie-bench-memory-', bound, [bundleFile]);

  try {
    console.log(
      `memory bench: vigie serve (${o.entry ?? (o.bundle ? 'esbuild bundle' : 'tsx, as bin/vigie.js')}) scraping ${o.hosts} hosts × ` +
        `${o.series} series every ${o.intervalMs / 1000}s${o.nodeFlags.length ? ` with ${o.nodeFlags.join(' ')}` : ''}; warm-up ${o.warmupMs / 1000}s, then ${o.seconds}s ` +
        `(figures are noisy on a shared machine; target RSS ≤ ${TARGET_MB} MB)`,
    );
    const { fleet, targets } = await startFleetProcess(procs, root, o.hosts, o.series, bound);
    let entry = o.entry ?? join(root, 'bin', 'vigie.js');
    if (o.bundle && o.entry === undefined) {
      // Beside package.json's folder depth (dist/), as the desktop bundle sits, so the core finds its files.
      await build({
        entryPoints: [join(root, 'src-main', 'cli.ts')],
        outfile: bundleFile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        logLevel: 'warning',
      });
      entry = bundleFile;
    }
    const probeFile = join(dir, 'probe.json');
    const { process: vigie, url } = await startVigie(
      procs,
      root,
      dir,
      scrapeConfigYaml(targets, o.intervalMs),
      {
        entry,
        nodeFlags: [...o.nodeFlags, '--import', new URL('memory-probe.js', import.meta.url).href],
        env: { VIGIE_MEMORY_PROBE: probeFile, VIGIE_LOG_LEVEL: 'warn' },
      },
    );
    const dead = (): string | undefined => {
      const gone = [fleet, vigie].find((p) => p.hasExited());
      return gone && `${gone.name} exited: ${lastLines(gone.output())}`;
    };
    await watchfulSleep('warm-up', o.warmupMs, dead);

    console.log(
      '   time     RSS    anon    file    tree  V8used V8total  extern  duckdb  other-anon    samples   (MB)',
    );
    const rss: number[] = [];
    let last: { s: SmapsRollup; r: ProbeReport } | undefined;
    let first: { ticks: number; samples: number } | undefined;
    let end = { ticks: 0, samples: 0 };
    const start = Date.now();
    for (let i = 0; Date.now() - start <= o.seconds * 1000; i++) {
      const r = await probe(vigie, probeFile);
      const s = readSmapsRollup(vigie.pid);
      const samples = (await readStorageStatus(url)).samples;
      end = { ticks: readStat(vigie.pid)?.ticks ?? 0, samples };
      first ??= end;
      rss.push(s.rss);
      last = { s, r };
      console.log(row(Math.round((Date.now() - start) / 1000), s, treeRssBytes(vigie.pid), r, samples));
      const next = start + (i + 1) * o.everyMs;
      if (next - start > o.seconds * 1000) break;
      await watchfulSleep('window', Math.max(0, next - Date.now()), dead);
    }
    rss.sort((a, b) => a - b);
    const median = rss[Math.floor(rss.length / 2)]!;
    console.log(
      `\nRSS median ${mb(median)} MB, max ${mb(rss.at(-1)!)} MB over ${rss.length} readings: ` +
        `${median <= TARGET_MB * MB ? 'within' : 'OVER'} the ${TARGET_MB} MB target`,
    );
    // CPU per sample: the core's whole CPU (scrape, store, rules, GC) over the window / samples stored in it.
    if (first !== undefined && end.samples > first.samples)
      console.log(
        `CPU ${(((end.ticks - first.ticks) / clockTicks / (end.samples - first.samples)) * 1e6).toFixed(2)} ` +
          `CPU-s per million samples over the window (${end.samples - first.samples} samples)`,
      );
    if (last !== undefined) {
      const duck = last.r.duckdb.filter((d) => d.bytes > 0);
      console.log(
        `last reading: V8 heap ${mb(last.r.memoryUsage.heapUsed)}/${mb(last.r.memoryUsage.heapTotal)} MB used/committed, ` +
          `external ${mb(last.r.memoryUsage.external)} MB (array buffers ${mb(last.r.memoryUsage.arrayBuffers)}), ` +
          `V8 malloced ${mb(last.r.heap.malloced_memory)} MB`,
      );
      console.log(
        `DuckDB buffer manager (limit ${last.r.duckdb.find((d) => d.tag === 'memory_limit_setting')?.value ?? '?'}): ` +
          (duck.length === 0 ? 'nothing held' : duck.map((d) => `${d.tag} ${mb(d.bytes)} MB`).join(', ')),
      );
      console.log(
        `other anonymous (native: DuckDB outside its buffer manager, malloc arenas, thread stacks, libuv, ICU): ` +
          `${mb(last.s.anonymous - last.r.memoryUsage.heapTotal - last.r.memoryUsage.external - duck.reduce((a, d) => a + d.bytes, 0))} MB; ` +
          `file-backed (node binary, DuckDB's .node library, shared libs) ${mb(last.s.fileBacked)} MB`,
      );
    }
    if (last !== undefined)
      console.log(
        `V8 spaces (used/committed MB): ${last.r.spaces
          .filter((sp) => sp.committed > 1e6)
          .map((sp) => `${sp.space} ${mb(sp.used)}/${mb(sp.committed)}`)
          .join(', ')}`,
      );
    console.log(
      `largest file mappings: ${fileRssByPath(vigie.pid)
        .map((f) => `${f.path.split('/').slice(-2).join('/')} ${mb(f.rss)} MB`)
        .join(', ')}`,
    );
    if (o.heapSnapshot) {
      writeFileSync(`${probeFile}.snapshot-request`, '');
      const r = await probe(vigie, probeFile, 180_000);
      if (r.snapshot !== undefined) {
        if (o.keepSnapshot !== undefined) copyFileSync(r.snapshot, o.keepSnapshot);
        console.log(`heap snapshot: largest kinds by self size (MB, count):`);
        for (const k of summarizeHeapSnapshot(r.snapshot))
          console.log(`  ${mb(k.bytes).padStart(7)} ${String(k.count).padStart(9)}  ${k.kind}`);
      }
    }
    const metrics = await fetchText(`${url}/api/v1/query?query=count(up)`).catch(() => '');
    if (metrics !== '')
      console.log(`targets scraped: ${metrics.match(/"value":\[[^,]+,"(\d+)"/)?.[1] ?? '?'}`);
  } finally {
    await cleanup();
  }
}

await main();
