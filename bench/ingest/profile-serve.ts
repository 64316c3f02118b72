// profile-serve.ts: a CPU profile of `vigie serve` ingesting the simulated fleet, over a steady-state window
// only: the profiler starts once every target has been scraped up and the warm-up has passed, and stops after
// --seconds. Prints the process's CPU time per million samples over the window (all threads, /proc) and the
// top self-time functions and files of the main thread.
//
//   node --import tsx bench/ingest/profile-serve.ts [--hosts 50] [--series 1000] [--interval 10s]
//        [--warmup 30s] [--seconds 60] [--sampling-us 500] [--keep FILE.cpuprofile] [--no-profile]
//        [--node-flag=--flag …]
//
// --no-profile measures CPU per sample (all threads and per thread) without the profiler's own cost.
// --promoted samples allocations that survived a scavenge and died in the old generation (see cpu-probe.js)
// instead of CPU, and prints them by allocating function in KB (the "ms" column).
// Everything listens on 127.0.0.1; every child and temp folder is removed at the end, on error and on
// Ctrl-C. The profiler itself costs some CPU (more at a finer --sampling-us); compare runs at one setting.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary, summarizeCpuProfile, summarizeHeapProfile } from './cpuprofile-summary';
import { startFleetProcess } from './fleet-process';
import { fetchText, waitFor, watchfulSleep } from './net';
import { superviseBench } from './processes';
import { threadCpuSeconds, treeCpuSeconds } from './procfs';
import { parseDuration, scrapeConfigYaml } from './scrape-config';
import { lastLines, readStorageStatus, startVigie } from './vigie';

const root = new URL('../..', import.meta.url).pathname;

function options() {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string', default: '50' },
      series: { type: 'string', default: '1000' },
      interval: { type: 'string', default: '10s' },
      warmup: { type: 'string', default: '30s' },
      seconds: { type: 'string', default: '60' },
      'sampling-us': { type: 'string', default: '500' },
      keep: { type: 'string' },
      'no-profile': { type: 'boolean', default: false },
      promoted: { type: 'boolean', default: false },
      'node-flag': { type: 'string', multiple: true, default: [] },
    },
  });
  return {
    hosts: Number(values.hosts),
    series: Number(values.series),
    intervalMs: parseDuration('interval', values.interval),
    warmupMs: parseDuration('warmup', values.warmup),
    seconds: Number(values.seconds),
    samplingUs: Number(values['sampling-us']),
    keep: values.keep,
    profile: !values['no-profile'],
    promoted: values.promoted,
    nodeFlags: values['node-flag'],
  };
}

/** upTargets counts the active targets whose last scrape succeeded (GET /api/v1/targets). */
async function upTargets(url: string): Promise<number> {
  const body = JSON.parse(await fetchText(`${url}/api/v1/targets`)) as {
    data: { activeTargets: { health: string; lastScrape: string }[] };
  };
  return body.data.activeTargets.filter((t) => t.health === 'up').length;
}

async function main(): Promise<void> {
  const o = options();
  const bound = Math.ceil((o.warmupMs / 1000 + o.seconds) * 1.5) + 240;
  const { dir, procs, cleanup } = superviseBench('vigie-bench-profile-', bound);
  try {
    console.log(
      `profile bench: vigie serve scraping ${o.hosts} hosts × ${o.series} series every ${o.intervalMs / 1000}s; ` +
        `warm-up ${o.warmupMs / 1000}s after all targets are up, then a ${o.seconds}s profile at ${o.samplingUs} µs`,
    );
    const { fleet, targets } = await startFleetProcess(procs, root, o.hosts, o.series, bound);
    const profileFile = join(dir, 'serve.cpuprofile');
    const { process: vigie, url } = await startVigie(
      procs,
      root,
      dir,
      scrapeConfigYaml(targets, o.intervalMs),
      {
        withoutRules: true,
        nodeFlags: [...o.nodeFlags, '--import', new URL('cpu-probe.js', import.meta.url).href],
        env: {
          VIGIE_CPU_PROBE: profileFile,
          VIGIE_CPU_PROBE_US: String(o.samplingUs),
          ...(o.promoted ? { VIGIE_CPU_PROBE_MODE: 'promoted' } : {}),
          VIGIE_LOG_LEVEL: 'warn',
        },
      },
    );
    const dead = (): string | undefined => {
      const gone = [fleet, vigie].find((p) => p.hasExited());
      return gone && `${gone.name} exited: ${lastLines(gone.output())}`;
    };
    await waitFor('targets up', async () => ((await upTargets(url)) >= targets.length ? true : undefined), {
      timeoutMs: 60_000 + 2 * o.intervalMs,
      everyMs: 500,
      abort: dead,
    });
    console.log(`all ${targets.length} targets up; warming up`);
    await watchfulSleep('warm-up', o.warmupMs, dead);

    const cpu0 = treeCpuSeconds(vigie.pid);
    const threads0 = threadCpuSeconds(vigie.pid);
    const samples0 = (await readStorageStatus(url)).samples;
    if (o.profile) vigie.child.kill('SIGUSR2');
    await watchfulSleep('window', o.seconds * 1000, dead);
    if (o.profile) vigie.child.kill('SIGUSR2');
    const cpu = treeCpuSeconds(vigie.pid) - cpu0;
    const threads = threadCpuSeconds(vigie.pid);
    const samples = (await readStorageStatus(url)).samples - samples0;
    console.log(
      `window: ${samples} samples, ${cpu.toFixed(2)} CPU-s (all threads${o.profile ? ', profiler included' : ''}) = ` +
        `${((cpu / samples) * 1e6).toFixed(2)} CPU-s per 1M samples`,
    );
    const perThread = [...threads]
      .map(([name, s]) => [name, s - (threads0.get(name) ?? 0)] as const)
      .filter(([, s]) => s >= 0.01)
      .sort((a, b) => b[1] - a[1]);
    console.log(`CPU-s by thread: ${perThread.map(([n, s]) => `${n} ${s.toFixed(2)}`).join(', ')}`);
    if (!o.profile) return;
    await waitFor('profile', async () => (existsSync(profileFile) ? true : undefined), {
      timeoutMs: 60_000,
      abort: dead,
    });
    if (o.promoted) {
      const h = summarizeHeapProfile(profileFile);
      console.log(`sampled bytes live or freed by a major GC: ${(h.busyMs / 1024).toFixed(1)} MB (KB below)`);
      console.log(formatSummary(h).split('\n').slice(1).join('\n'));
    } else console.log(formatSummary(summarizeCpuProfile(profileFile)));
    if (o.keep !== undefined) copyFileSync(profileFile, o.keep);
  } finally {
    await cleanup();
  }
}

await main();
