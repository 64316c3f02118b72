// ui-bench.ts: the renderer's figures in headless Chromium against `vigie serve` fed by the simulated fleet:
//   1. main route JavaScript (what `/` loads), gzipped;
//   2. fleet overview with N hosts: navigation → every tile's sparklines painted (warm);
//   3. generated host dashboard over H hours of S-second data: navigation → every panel drawn (warm).
// Figures print to stdout; they are never a pass/fail. The machine is shared: figures are noisy.
//
//   4. steady kiosk: the renderer's main-thread busy time while it rotates and refreshes.
//
//   node --import tsx bench/ui/ui-bench.ts [--hosts 50] [--hours 24] [--step 10s] [--series 200] [--runs 3]
//        [--fleet-only] [--kiosk-seconds 20]
import { readFileSync } from 'node:fs';
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
    series: { type: 'string', default: '200' },
    runs: { type: 'string', default: '3' },
    'fleet-only': { type: 'boolean', default: false },
    'kiosk-seconds': { type: 'string', default: '20' },
  },
});
const runs = Number(values.runs);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

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
    // 1 + 2: the fleet (an hour of minute history so sparklines are full).
    const fleet = await startStack({
      hosts: Number(values.hosts),
      seriesPerHost: 100,
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
    const hosts = Number(values.hosts);
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      await page.goto(`${fleet.base}/`);
      await page.waitForFunction(
        `document.querySelectorAll('li.tile').length >= ${hosts} && [...document.querySelectorAll('li.tile canvas')].slice(0, 4).every((c) => c.width > 0)`,
        null,
        { polling: 'raf', timeout: 60_000 },
      );
      if (i > 0) fleetMs.push(performance.now() - t0); // run 0 is the cold one
    }
    // Where the last load's time went: the API calls, slowest first (server time dominates on this box).
    const calls = (await page.evaluate(
      `performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/')).map((e) => [new URL(e.name).pathname, Math.round(e.duration)])`,
    )) as [string, number][];
    calls.sort((a, b) => b[1] - a[1]);
    console.log(`fleet overview API calls (last load, ms): ${calls.map(([p, d]) => `${p} ${d}`).join(', ')}`);
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
      `fleet overview, ${hosts} hosts: ${median(fleetMs).toFixed(0)} ms median of ${runs} warm loads (goal ≤ 1000 ms) [${fleetMs.map((x) => x.toFixed(0)).join(', ')}]`,
    );
    // Steady kiosk: the page's main-thread busy time over a window, once it has loaded and settled.
    await page.goto(`${fleet.base}/kiosk?interval=10`);
    await page.locator('.kiosk[data-connection="ok"]').waitFor();
    await page.waitForTimeout(5000);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async (): Promise<number> =>
      (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value;
    const windowS = Number(values['kiosk-seconds']);
    const b0 = await busy();
    await page.waitForTimeout(windowS * 1000);
    const b1 = await busy();
    console.log(
      `kiosk, ${hosts} hosts, rotating every 10 s: renderer main thread busy ${(((b1 - b0) / windowS) * 100).toFixed(1)} % over ${windowS} s`,
    );
    await page.close();
    await fleet.stop();
    stacks.pop();
    if (values['fleet-only']) return;

    // 3: one host with a long history at a fine step.
    const host = await startStack({
      hosts: 1,
      seriesPerHost: Number(values.series),
      historyHours: Number(values.hours),
      historyStep: values.step!,
    });
    stacks.push(host);
    const hp = await browser.context.newPage();
    const hostMs: number[] = [];
    const url = `${host.base}/hosts/${encodeURIComponent(host.instances[0]!)}?range=${Number(values.hours) * 3600}`;
    let panels = 0;
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      await hp.goto(url);
      await hp.waitForFunction(
        `document.querySelectorAll('section.panel').length > 0 && document.querySelectorAll('section.panel[data-state="loading"]').length === 0`,
        null,
        { polling: 'raf', timeout: 120_000 },
      );
      if (i > 0) hostMs.push(performance.now() - t0);
      panels = await hp.locator('section.panel').count();
    }
    console.log(
      `host dashboard, ${panels} panels over ${values.hours} h of ${values.step} data: ${median(hostMs).toFixed(0)} ms median of ${runs} warm loads (goal ≤ 1000 ms) [${hostMs.map((x) => x.toFixed(0)).join(', ')}]`,
    );
    await hp.close();
  } finally {
    await browser.close();
    for (const s of stacks) await s.stop();
  }
}

await main();
