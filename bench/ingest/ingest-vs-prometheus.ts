// ingest-vs-prometheus.ts: scrapes one simulated fleet with Prometheus 2.42 and with Vigie side by side and
// prints CPU per million samples, RSS and bytes per sample on disk for both.
//
//   node --import tsx bench/ingest/ingest-vs-prometheus.ts [--hosts 50] [--series 1000] [--seconds 120]
//        [--interval 10s] [--warmup 25s] [--seed 1]
//
// The fleet runs in its own process; everything listens on 127.0.0.1; the run is bounded in time and every
// child and temp folder is removed at the end, on error and on Ctrl-C. Figures are noisy on a shared machine.
import { parseArgs } from 'node:util';
import { folderBytes } from './disk';
import { measureWindow, type Contender, type WindowFigures } from './measure';
import { watchfulSleep } from './net';
import { startFleetProcess } from './fleet-process';
import { superviseBench, type Managed } from './processes';
import { treeCpuSeconds } from './procfs';
import { prometheusSamples, snapshotBlocks, startPrometheus } from './prometheus';
import { formatTable, type Row } from './report';
import { formatDuration, parseDuration, scrapeConfigYaml } from './scrape-config';
import { lastLines, readStorageStatus, startVigie, type StorageStatus, type VigieRun } from './vigie';

const root = new URL('../..', import.meta.url).pathname;
const MiB = 1024 * 1024;

interface Options {
  hosts: number;
  series: number;
  seconds: number;
  intervalMs: number;
  warmupMs: number;
  seed: string;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string', default: '50' },
      series: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '120' },
      interval: { type: 'string', default: '10s' },
      warmup: { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
  });
  const int = (flag: string, text: string, max: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new Error(`--${flag}: expected an integer 1..${max}, got "${text}"`);
    return n;
  };
  const intervalMs = parseDuration('interval', values.interval);
  if (intervalMs < 100) throw new Error(`--interval: at least 100ms, got ${values.interval}`);
  return {
    hosts: int('hosts', values.hosts, 2000),
    series: int('series', values.series, 100_000),
    seconds: int('seconds', values.seconds, 3600),
    intervalMs,
    warmupMs: values.warmup
      ? parseDuration('warmup', values.warmup)
      : Math.max(20_000, 2 * intervalMs + 5000),
    seed: values.seed,
  };
}

async function main(): Promise<void> {
  const o = readOptions();
  const boundSeconds = Math.ceil((o.warmupMs / 1000 + o.seconds) * 1.2) + 300;
  const { dir, procs, cleanup } = superviseBench('vigie-bench-ingest-', boundSeconds);

  try {
    console.log(
      `ingest bench: ${o.hosts} hosts × ${o.series} series, every ${formatDuration(o.intervalMs)}, ` +
        `warm-up ${formatDuration(o.warmupMs)}, window ${o.seconds}s (figures are noisy on a shared machine)`,
    );
    const { fleet, targets } = await startFleetProcess(procs, root, o.hosts, o.series, boundSeconds, o.seed);
    const configYaml = scrapeConfigYaml(targets, o.intervalMs);
    const prom = await startPrometheus(procs, dir, configYaml);
    console.log(`prometheus: ready at ${prom.url}`);
    let vigie: VigieRun | undefined;
    let vigieUnavailable = '';
    try {
      vigie = await startVigie(procs, root, dir, configYaml, { withoutRules: true });
      console.log(`vigie: ready at ${vigie.url}`);
    } catch (err) {
      vigieUnavailable = err instanceof Error ? err.message : String(err);
      console.log(`vigie: unavailable (${vigieUnavailable})`);
    }

    const dead = () => {
      for (const p of [fleet, prom.process, vigie?.process].filter((x): x is Managed => x !== undefined)) {
        if (p.hasExited()) return `${p.name} exited: ${lastLines(p.output())}`;
      }
      return undefined;
    };
    await watchfulSleep('warm-up', o.warmupMs, dead);

    const contenders: Contender[] = [
      { name: 'prometheus', pid: prom.process.pid, samples: () => prometheusSamples(prom.url) },
    ];
    if (vigie) {
      const url = vigie.url;
      contenders.push({
        name: 'vigie',
        pid: vigie.process.pid,
        samples: async () => (await readStorageStatus(url)).samples,
      });
    }
    const fleetCpu0 = treeCpuSeconds(fleet.pid);
    console.log(`measuring for ${o.seconds}s…`);
    const figures = await measureWindow(contenders, o.seconds, dead);
    const fleetCpu = treeCpuSeconds(fleet.pid) - fleetCpu0;

    const blocks = await snapshotBlocks(prom);
    let vigieStatus: StorageStatus | undefined;
    let vigieFolder: number | undefined;
    if (vigie) {
      try {
        vigieStatus = await readStorageStatus(vigie.url);
        const ended = await procs.stop(vigie.process, 'SIGTERM', 120_000);
        if (ended !== 0)
          throw new Error(`exited with ${ended} on SIGTERM: ${lastLines(vigie.process.output())}`);
        vigieFolder = folderBytes(vigie.dataDir);
      } catch (err) {
        vigieUnavailable = `disk figures: ${err instanceof Error ? err.message : String(err)}`;
      }
    }

    const p = figures.get('prometheus');
    const v = figures.get('vigie');
    for (const [name, f] of figures)
      if (f instanceof Error) console.log(`${name}: measurement failed (${f.message})`);
    const ok = (f: WindowFigures | Error | undefined) => (f instanceof Error ? undefined : f);
    const pf = ok(p);
    const vf = ok(v);
    const perMillion = (f?: WindowFigures) =>
      f && f.samples > 0 ? f.cpuSeconds / (f.samples / 1e6) : undefined;
    const rows: Row[] = [
      { label: 'samples ingested in window', prometheus: pf?.samples, vigie: vf?.samples, digits: 0 },
      {
        label: 'ingest rate (samples/s)',
        prometheus: pf && pf.samples / pf.seconds,
        vigie: vf && vf.samples / vf.seconds,
        digits: 0,
      },
      { label: 'CPU seconds in window', prometheus: pf?.cpuSeconds, vigie: vf?.cpuSeconds, digits: 2 },
      { label: 'CPU-s per 1M samples', prometheus: perMillion(pf), vigie: perMillion(vf), digits: 3 },
      {
        label: 'RSS max (MiB)',
        prometheus: pf && pf.rssMaxBytes / MiB,
        vigie: vf && vf.rssMaxBytes / MiB,
        digits: 1,
      },
      {
        label: 'RSS end (MiB)',
        prometheus: pf && pf.rssEndBytes / MiB,
        vigie: vf && vf.rssEndBytes / MiB,
        digits: 1,
      },
      {
        label: 'samples stored (whole run)',
        prometheus: blocks.numSamples,
        vigie: vigieStatus?.samples,
        digits: 0,
      },
      { label: 'series stored', prometheus: blocks.numSeries, vigie: vigieStatus?.series, digits: 0 },
      {
        label: 'bytes/sample on disk',
        prometheus: blocks.numSamples ? blocks.chunkBytes / blocks.numSamples : undefined,
        vigie:
          vigieStatus?.samples && vigieFolder !== undefined ? vigieFolder / vigieStatus.samples : undefined,
        digits: 3,
      },
      {
        label: 'bytes/sample (all files)',
        prometheus: blocks.numSamples ? blocks.totalBytes / blocks.numSamples : undefined,
        vigie: vigieStatus?.samples ? vigieStatus.bytesOnDisk / vigieStatus.samples : undefined,
        digits: 3,
      },
    ];
    console.log('');
    console.log(formatTable(rows));
    console.log('');
    console.log(
      `prometheus disk: snapshot of ${blocks.blocks} block(s), chunks ${blocks.chunkBytes} B, all files ` +
        `${blocks.totalBytes} B ("bytes/sample on disk" = chunks / meta.json numSamples)`,
    );
    if (vigie && vigieStatus) {
      console.log(
        `vigie disk: data folder after SIGTERM ${vigieFolder ?? '-'} B ("bytes/sample on disk" = folder / samples); ` +
          `status bytesOnDisk before SIGTERM ${vigieStatus.bytesOnDisk} B ("all files" row)`,
      );
    }
    if (vigieUnavailable) console.log(`vigie: unavailable (${vigieUnavailable})`);
    console.log(
      `fleet process used ${fleetCpu.toFixed(2)} CPU-s in the window (same 2-core machine, not counted above)`,
    );
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(`ingest bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
