// ab-serve.ts: an A/B of ingest CPU in one run: one simulated fleet scraped at the same time by several
// `vigie serve` processes (checkouts of this repo, e.g. `git archive` exports of two commits, and/or node
// flags), so machine load hits every contender alike. Prints CPU-s per million samples ingested for each
// (process tree, all threads, /proc) over the same window.
//
//   node --import tsx bench/ingest/ab-serve.ts --contender base=/tmp/base --contender new=. \
//        [--contender 'new-gc=.:--single-threaded-gc'] [--hosts 50] [--series 1000] [--warmup 40s] [--seconds 150]
//
// A contender is NAME=ROOT[:NODE_FLAG,NODE_FLAG…]; ROOT must hold bin/vigie.js and node_modules. Default
// rules are off (ingest only). Everything listens on 127.0.0.1; every child and temp folder is removed at the
// end, on error and on Ctrl-C.
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startFleetProcess } from './fleet-process';
import { watchfulSleep } from './net';
import { superviseBench, type Managed } from './processes';
import { treeCpuSeconds } from './procfs';
import { parseDuration, scrapeConfigYaml } from './scrape-config';
import { lastLines, readStorageStatus, startVigie } from './vigie';

const root = new URL('../..', import.meta.url).pathname;

interface Contender {
  name: string;
  root: string;
  flags: string[];
}

/** parseContender reads NAME=ROOT[:FLAG,FLAG], naming the bad argument in the error. */
function parseContender(text: string): Contender {
  const m = /^([\w.+-]+)=([^:]+)(?::(.*))?$/.exec(text);
  if (!m) throw new Error(`--contender: expected NAME=ROOT[:--flag,--flag], got "${text}"`);
  return { name: m[1]!, root: resolve(m[2]!), flags: m[3] ? m[3].split(',') : [] };
}

function options() {
  const { values } = parseArgs({
    options: {
      contender: { type: 'string', multiple: true, default: [] },
      hosts: { type: 'string', default: '50' },
      series: { type: 'string', default: '1000' },
      interval: { type: 'string', default: '10s' },
      warmup: { type: 'string', default: '40s' },
      seconds: { type: 'string', default: '150' },
    },
  });
  const contenders = values.contender.map(parseContender);
  if (contenders.length === 0) throw new Error('--contender: give at least one NAME=ROOT');
  return {
    contenders,
    hosts: Number(values.hosts),
    series: Number(values.series),
    intervalMs: parseDuration('interval', values.interval),
    warmupMs: parseDuration('warmup', values.warmup),
    seconds: Number(values.seconds),
  };
}

async function main(): Promise<void> {
  const o = options();
  const bound = Math.ceil((o.warmupMs / 1000 + o.seconds) * 1.5) + 300;
  const { dir, procs, cleanup } = superviseBench('vigie-bench-ab-', bound);
  try {
    console.log(
      `A/B ingest bench: ${o.contenders.map((c) => c.name).join(' vs ')} scraping one fleet of ${o.hosts} ` +
        `hosts × ${o.series} series every ${o.intervalMs / 1000}s; warm-up ${o.warmupMs / 1000}s, window ${o.seconds}s`,
    );
    const { fleet, targets } = await startFleetProcess(procs, root, o.hosts, o.series, bound);
    const runs: (Contender & { process: Managed; url: string })[] = [];
    for (const c of o.contenders) {
      const run = await startVigie(procs, c.root, dir, scrapeConfigYaml(targets, o.intervalMs), {
        withoutRules: true,
        name: c.name,
        nodeFlags: c.flags,
      });
      runs.push({ ...c, process: run.process, url: run.url });
    }
    const dead = (): string | undefined => {
      const gone = [fleet, ...runs.map((r) => r.process)].find((p) => p.hasExited());
      return gone && `${gone.name} exited: ${lastLines(gone.output())}`;
    };
    await watchfulSleep('warm-up', o.warmupMs, dead);
    const load0 = loadavg()[0]!;
    const start = await Promise.all(
      runs.map(async (r) => ({
        cpu: treeCpuSeconds(r.process.pid),
        samples: (await readStorageStatus(r.url)).samples,
      })),
    );
    await watchfulSleep('window', o.seconds * 1000, dead);
    for (const [i, r] of runs.entries()) {
      const cpu = treeCpuSeconds(r.process.pid) - start[i]!.cpu;
      const samples = (await readStorageStatus(r.url)).samples - start[i]!.samples;
      console.log(
        `${r.name.padEnd(24)} ${String(samples).padStart(9)} samples ${cpu.toFixed(2).padStart(7)} CPU-s ` +
          `${((cpu / samples) * 1e6).toFixed(2).padStart(7)} CPU-s per 1M samples`,
      );
    }
    console.log(
      `load average (1 min) ${load0.toFixed(1)} at the start of the window, ${loadavg()[0]!.toFixed(1)} at its end`,
    );
  } finally {
    await cleanup();
  }
}

await main();
