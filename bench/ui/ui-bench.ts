// ui-bench.ts: the renderer's figures in headless Chromium against `vigie serve` fed by the simulated fleet:
//   1. main route JavaScript (what `/` loads), gzipped;
//   2. fleet overview with N hosts: navigation → every tile's sparklines painted (warm);
//   3. generated host dashboard over H hours of S-second data: navigation → every panel drawn (warm).
// Figures print to stdout; they are never a pass/fail. The machine is shared: figures are noisy.
//
//   4. steady kiosk: the renderer's main-thread busy time while it rotates and refreshes.
//
//   node --import tsx bench/ui/ui-bench.ts [--hosts 50] [--fleet-series 300] [--hours 24] [--step 10s]
//        [--series 400] [--runs 3] [--fleet-only | --host-only] [--kiosk-seconds 20]
// (400 series per host is what the simulated host needs to export every metric the host dashboard draws.)
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { launchBrowser, skipReason } from '../../test/e2e/browser';
import { ensureRendererBuilt, startStack, type Stack } from '../../test/e2e/stack';
import { REPO } from '../../test/support/process';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '50' },
    hours: { type: 'string', default: '24' },
    step: { type: 'string', default: '10s' },
    series: { type: 'string', default: '400' },
    'fleet-series': { type: 'string', default: '300' },
    'host-only': { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    'fleet-only': { type: 'boolean', default: false },
    'kiosk-seconds': { type: 'string', default: '20' },
  },
});
const runs = Number(values.runs);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * API_TIMING reads, in the page, where the last load's time went: each API call's server time (request
 * sent → first byte) and the span from the first call's start to the last answer's end.
 */
const API_TIMING = `(() => {
  const calls = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/') || e.name.includes('/api/vigie/query_batch'));
  const server = calls.map((e) => e.responseStart - e.requestStart).filter((x) => x > 0);
  const first = Math.min(...calls.map((e) => e.startTime));
  const last = Math.max(...calls.map((e) => e.responseEnd));
  const nav = performance.getEntriesByType('navigation')[0];
  return { n: calls.length, server: server.sort((a, b) => a - b), span: last - first, first, last,
           domReady: nav ? nav.domContentLoadedEventEnd : 0 };
})()`;
/** cpuMs reads a process's CPU time (user + system) in ms from /proc (Linux; 0 elsewhere). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return 0;
  }
}

/**
 * busyMeter reads a page's main-thread busy time so far (CDP Performance.TaskDuration, in ms), through one
 * session kept for the page's life (the metrics count from Performance.enable on).
 */
async function busyMeter(page: Page): Promise<() => Promise<number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return async () =>
    ((await cdp.send('Performance.getMetrics')).metrics.find((x) => x.name === 'TaskDuration')?.value ?? 0) *
    1000;
}

interface ApiTiming {
  n: number;
  server: number[];
  span: number;
  first: number;
  last: number;
  domReady: number;
}
function describeTiming(t: ApiTiming, totalMs: number): string {
  const sum = t.server.reduce((a, b) => a + b, 0);
  return (
    `${t.n} API calls; page script ready at ${t.domReady.toFixed(0)} ms, first call at ${t.first.toFixed(0)} ms, ` +
    `last answer at ${t.last.toFixed(0)} ms of ${totalMs.toFixed(0)} ms; server time per call median ` +
    `${median(t.server).toFixed(0)} ms, max ${t.server.at(-1)?.toFixed(0)} ms, sum ${sum.toFixed(0)} ms`
  );
}

async function main(): Promise<void> {
  const skip = skipReason();
  if (skip) {
    console.log(`ui bench skipped: ${skip}`);
    return;
  }
  ensureRendererBuilt();
  const browser = await launchBrowser();
  const stacks: Stack[] = [];
  try {
    if (!values['host-only']) await fleetBench(browser, stacks);
    if (!values['fleet-only']) await hostBench(browser, stacks);
  } finally {
    await browser.close();
    for (const s of stacks) await s.stop();
  }
}

async function fleetBench(
  browser: Awaited<ReturnType<typeof launchBrowser>>,
  stacks: Stack[],
): Promise<void> {
  {
    // 1 + 2: the fleet (an hour of minute history so sparklines are full).
    const fleet = await startStack({
      hosts: Number(values.hosts),
      seriesPerHost: Number(values['fleet-series']),
      historyHours: 1,
      historyStep: '60s',
    });
    stacks.push(fleet);
    const page = await browser.context.newPage();
    const scripts = new Set<string>();
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/assets/') && u.pathname.endsWith('.js')) scripts.add(u.pathname);
    });
    const fleetMs: number[] = [];
    const fleetServer: number[] = [];
    const fleetPage: number[] = [];
    const pageBusy = await busyMeter(page);
    const hosts = Number(values.hosts);
    for (let i = 0; i <= runs; i++) {
      const s0 = cpuMs(fleet.servePid());
      const b0 = await pageBusy();
      const t0 = performance.now();
      await page.goto(`${fleet.base}/`);
      // Done when every tile is there and every sparkline has painted its data (a host without a metric paints none).
      await page.waitForFunction(
        `document.querySelector('.fleet[data-state="ready"]') !== null && document.querySelectorAll('li.tile').length >= ${hosts} && [...document.querySelectorAll('li.tile canvas')].every((c) => c.dataset.drawn !== undefined)`,
        null,
        { polling: 'raf', timeout: 60_000 },
      );
      if (i > 0) {
        // run 0 is the cold one
        fleetMs.push(performance.now() - t0);
        fleetServer.push(cpuMs(fleet.servePid()) - s0);
        const b1 = await pageBusy();
        fleetPage.push(b1 >= b0 ? b1 - b0 : b1);
      }
    }
    // Where the last load's time went: the API calls, slowest first (server time dominates on this box).
    const calls = (await page.evaluate(
      `performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/')).map((e) => [new URL(e.name).pathname, Math.round(e.duration)])`,
    )) as [string, number][];
    calls.sort((a, b) => b[1] - a[1]);
    console.log(`fleet overview API calls (last load, ms): ${calls.map(([p, d]) => `${p} ${d}`).join(', ')}`);
    console.log(
      `fleet overview, last load: ${describeTiming((await page.evaluate(API_TIMING)) as ApiTiming, fleetMs.at(-1)!)}`,
    );
    let raw = 0;
    let gz = 0;
    for (const s of scripts) {
      const body = readFileSync(join(REPO, 'dist', 'renderer', s));
      raw += body.length;
      gz += gzipSync(body, { level: 9 }).length;
    }
    console.log(
      `main route JavaScript: ${scripts.size} files, ${(raw / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzipped (goal ≤ 300 KB)`,
    );
    console.log(
      `fleet overview, ${hosts} hosts: ${median(fleetMs).toFixed(0)} ms median of ${runs} warm loads (goal ≤ 1000 ms) [${fleetMs.map((x) => x.toFixed(0)).join(', ')}]; ` +
        `appliance CPU per load ${median(fleetServer).toFixed(0)} ms; renderer main thread busy per load ${median(fleetPage).toFixed(0)} ms`,
    );
    // Steady kiosk: the page's main-thread busy time over a window, once it has loaded and settled.
    await page.goto(`${fleet.base}/kiosk?interval=10`);
    await page.locator('.kiosk[data-connection="ok"]').waitFor();
    await page.waitForTimeout(5000);
    const livePoints = `[...document.querySelectorAll('section.panel[data-live-points]')].reduce((n, p) => n + Number(p.dataset.livePoints), 0)`;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async (): Promise<number> =>
      (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value;
    const windowS = Number(values['kiosk-seconds']);
    const b0 = await busy();
    // Live points are counted per mounted panel: sample just before each rotation (every 10 s) and add up.
    let live = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < windowS * 1000) {
      await page.waitForTimeout(Math.min(2000, windowS * 1000 - (Date.now() - t0)));
      live = Math.max(live, (await page.evaluate(livePoints)) as number);
    }
    const b1 = await busy();
    console.log(
      `kiosk, ${hosts} hosts, rotating every 10 s with live updates: renderer main thread busy ${(((b1 - b0) / windowS) * 100).toFixed(1)} % over ${windowS} s (largest live point count seen on a slide: ${live})`,
    );
    await page.close();
    await fleet.stop();
    stacks.pop();
  }
}

async function hostBench(browser: Awaited<ReturnType<typeof launchBrowser>>, stacks: Stack[]): Promise<void> {
  {
    // 3: one host with a long history at a fine step.
    const host = await startStack({
      hosts: 1,
      seriesPerHost: Number(values.series),
      historyHours: Number(values.hours),
      historyStep: values.step!,
    });
    stacks.push(host);
    const hp = await browser.context.newPage();
    const rendererBusyMs = await busyMeter(hp);
    const url = `${host.base}/hosts/${encodeURIComponent(host.instances[0]!)}?range=${Number(values.hours) * 3600}`;
    let panels = 0;
    // A/B within one run, interleaved: the default (every query in one streamed batch request) against
    // one request per query through a pool of 4 (`?queryBatch=0`, what the page did before the batch).
    const variants = ['batched', 'one request per query'];
    const suffix = (v: string): string => (v === 'batched' ? '' : '&queryBatch=0');
    const by = new Map(
      variants.map((v) => [v, { ms: [] as number[], server: [] as number[], page: [] as number[] }]),
    );
    const hostMs = by.get('batched')!.ms;
    for (let i = 0; i <= runs * variants.length; i++) {
      const v = variants[i % variants.length]!;
      const s0 = cpuMs(host.servePid());
      const b0 = await rendererBusyMs();
      const t0 = performance.now();
      await hp.goto(`${url}${suffix(v)}`);
      // Done when no panel is loading and every panel with data has its chart on a sized canvas.
      await hp.waitForFunction(
        `document.querySelectorAll('section.panel').length > 0 && document.querySelectorAll('section.panel[data-state="loading"]').length === 0 && [...document.querySelectorAll('section.panel canvas')].every((c) => c.width > 0)`,
        null,
        { polling: 'raf', timeout: 120_000 },
      );
      const wall = performance.now() - t0;
      if (i > 0) {
        const r = by.get(v)!;
        r.ms.push(wall);
        r.server.push(cpuMs(host.servePid()) - s0);
        // The counter may restart with the new document (b1 < b0): then b1 is the load's own time.
        const b1 = await rendererBusyMs();
        r.page.push(b1 >= b0 ? b1 - b0 : b1);
      }
      panels = await hp.locator('section.panel').count();
    }
    for (const [v, r] of by)
      console.log(
        `host dashboard, ${v}: ${median(r.ms).toFixed(0)} ms median wall [${r.ms.map((x) => x.toFixed(0)).join(', ')}]; ` +
          `appliance CPU per load ${median(r.server).toFixed(0)} ms; renderer main thread busy per load ${median(r.page).toFixed(0)} ms`,
      );
    const drawn = await hp.locator('section.panel canvas').count();
    console.log(
      `host dashboard, last load: ${describeTiming((await hp.evaluate(API_TIMING)) as ApiTiming, hostMs.at(-1)!)}`,
    );
    console.log(
      `host dashboard, ${panels} panels (${drawn} with data, the rest show why not) over ${values.hours} h of ${values.step} data: ${median(hostMs).toFixed(0)} ms median of ${hostMs.length} warm loads (goal ≤ 1000 ms) [${hostMs.map((x) => x.toFixed(0)).join(', ')}]`,
    );
    await hp.close();
  }
}

await main();
