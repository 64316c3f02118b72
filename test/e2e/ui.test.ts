// ui.test.ts: every page of the renderer in real Chromium against `vigie serve` fed by a simulated fleet:
// real data shown, charts actually painted, the PromQL editor completing names, probe checks added and
// tested, the kiosk rotating and reconnecting by itself after the appliance restarts, and (in the test LAN
// of network namespaces, where mDNS may run) an agent adopted from the Agents page. Screenshots of every
// page at 1920×1080 and 390×844 land in test-artifacts/e2e/.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Locator, type Page } from 'playwright-core';
import { REPO, waitFor } from '../support/process';
import { CHROMIUM, inkedPixels, launchBrowser, screenshots, skipReason, type Browser } from './browser';
import { ensureRendererBuilt, lanSkipReason, startLanStack, startStack, type Stack } from './stack';

const skip = skipReason();
const HOSTS = 4;
let stack: Stack | undefined;
let browser: Browser | undefined;

before(
  async () => {
    if (skip) return;
    ensureRendererBuilt();
    stack = await startStack({
      hosts: HOSTS,
      // 400 series: enough for every metric the host dashboard draws (temperatures, CPU frequency…).
      seriesPerHost: 400,
      historyHours: 2,
      historyStep: '15s',
      // One alert that fires at once (any host up): something real to silence.
      rules: `groups:\n  - name: e2e\n    rules:\n      - alert: HostIsUp\n        expr: count(up == 1) > 0\n        labels: { severity: info }\n        annotations: { summary: "the host answers" }\n`,
    });
    browser = await launchBrowser();
  },
  { timeout: 300_000 },
);
after(async () => {
  await browser?.close();
  await stack?.stop();
});

/** atLeast waits until a locator matches n elements or more. */
function atLeast(l: Locator, n: number, timeoutMs = 30_000): Promise<number> {
  return waitFor(`${n} × ${l}`, async () => ((await l.count()) >= n ? l.count() : undefined), timeoutMs);
}

async function open(path: string, before?: (page: Page) => void): Promise<Page> {
  const page = await browser!.context.newPage();
  before?.(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto(stack!.base + path);
  return page;
}
function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

test(
  'the fleet overview shows a tile per host with drawn sparklines',
  { skip, timeout: 60_000 },
  async () => {
    const page = await open('/');
    const tiles = page.locator('li.tile');
    await tiles.nth(HOSTS - 1).waitFor({ timeout: 30_000 });
    assert.equal(await tiles.count(), HOSTS);
    // Sparklines need data points: wait until the first tile's CPU line is painted.
    const spark = tiles.first().locator('canvas').first();
    const ink = await waitFor('the CPU sparkline', async () =>
      (await inkedPixels(spark)) > 50 ? true : undefined,
    );
    assert.ok(ink, 'the CPU sparkline is drawn');
    const text = await tiles.first().innerText();
    assert.match(text, /CPU\s+\d+(\.\d+)? %/);
    assert.match(text, /Last seen (just now|\d+s ago)/);
    // The filter narrows by label.
    await page.getByLabel('Filter hosts').fill(`instance=${stack!.instances[0]}`);
    await waitFor('one tile left', async () => ((await tiles.count()) === 1 ? true : undefined));
    await page.getByLabel('Filter hosts').fill('');
    await screenshots(page, 'fleet');
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  },
);

test('the host dashboard draws its charts and lists filesystems', { skip, timeout: 90_000 }, async () => {
  const instance = stack!.instances[0]!;
  const queries: string[] = [];
  const page = await open(`/hosts/${encodeURIComponent(instance)}`, (p) =>
    p.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (/^\/api\/(v1\/query|vigie\/query_batch)/.test(path)) queries.push(path);
    }),
  );
  const charts = page.locator('section.panel canvas');
  await atLeast(page.locator('section.panel:not([data-state="loading"])'), 20, 60_000);
  // The 20 panels' 38 range queries and the summary go out batched, not one request each.
  assert.ok(queries.length >= 1 && queries.length <= 2, `one or two requests, not ${queries.length}`);
  assert.ok(
    queries.every((q) => q === '/api/vigie/query_batch'),
    `only batches: ${queries.join(', ')}`,
  );
  assert.equal(await page.locator('section.panel').count(), 20, 'the generated dashboard has 20 panels');
  const n = await charts.count();
  assert.ok(n >= 18, `at least 18 of 20 charts have data from the simulated host (got ${n})`);
  for (let i = 0; i < n; i++) assert.ok((await inkedPixels(charts.nth(i))) > 500, `chart ${i} is painted`);
  // A panel whose metric the host does not export says so instead of drawing an empty chart.
  const psi = page.locator('section.panel', { hasText: 'Pressure (PSI)' });
  assert.match(await psi.innerText(), /No data\s+This host exports no node_pressure_/);
  assert.equal(await psi.locator('canvas').count(), 0);
  assert.match(await page.locator('section.mounts').innerText(), /Free in 7 d/);
  const rows = page.locator('section.mounts tbody tr');
  assert.ok((await rows.count()) >= 1, 'the filesystem table lists mounts');
  assert.match(await page.locator('.stats').innerText(), /Uptime\s+(\d+d|\d+h|\d+m)/);
  // Live: new points arrive over the event stream (one every max(5 s, step)), without a range re-fetch.
  let rangeQueries = 0;
  page.on('request', (r) => void (r.url().includes('/api/v1/query_range') && rangeQueries++));
  await page
    .locator('section.panel[data-live-points]:not([data-live-points="0"])')
    .first()
    .waitFor({ timeout: 40_000 });
  assert.equal(rangeQueries, 0, 'live updates do not re-fetch ranges');
  await screenshots(page, 'host');
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});

test(
  'explore completes metric names and shows a query as graph and table',
  { skip, timeout: 60_000 },
  async () => {
    const page = await open('/explore');
    const editor = page.locator('.cm-content');
    await editor.click();
    await page.keyboard.type('node_load');
    const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'node_load15' });
    await option.first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Escape');
    await page.keyboard.type('1');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    const canvas = page.locator('.graph canvas');
    await canvas.waitFor({ timeout: 20_000 });
    assert.ok((await inkedPixels(canvas)) > 500, 'the graph is painted');
    await page.getByRole('tab', { name: 'Table' }).click();
    const cells = page.locator('table.data tbody tr');
    await cells.first().waitFor();
    assert.equal(await cells.count(), HOSTS, 'one row per host');
    await page.getByRole('tab', { name: 'Graph' }).click();
    await screenshots(page, 'explore');
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  },
);

test('the other pages load with honest states', { skip, timeout: 60_000 }, async () => {
  for (const [path, name, expect] of [
    ['/dashboards', 'dashboards', new RegExp(stack!.instances[0]!.replace('.', '\\.'))],
    ['/alerts', 'alerts', /HostIsUp/],
    ['/agents', 'agents', /No agent discovered|Add a machine/],
    ['/settings', 'settings', /^\d+\.\d+\.\d+$/],
    // The rules page arrives with the rules editor; screenshot it once it is there.
    ...(existsSync(join(REPO, 'src-renderer/pages/RulesPage.vue'))
      ? ([['/rules', 'rules', /Rules/]] as const)
      : []),
  ] as const) {
    const page = await open(path);
    await page.getByText(expect).first().waitFor({ timeout: 20_000 });
    await screenshots(page, name);
    assert.deepEqual(pageErrors(page), [], `${path} has no script error`);
    await page.close();
  }
});

test(
  'the kiosk shows a clock and the firing banner, rotates, goes stale when the appliance stops, and reconnects by itself',
  { skip, timeout: 120_000 },
  async () => {
    const page = await open('/kiosk?interval=5');
    const kiosk = page.locator('.kiosk[data-connection]');
    await page.locator('.kiosk[data-connection="ok"]').waitFor({ timeout: 30_000 });
    await page.locator('li.tile').first().waitFor({ timeout: 30_000 });
    // The clock reads the page's own time (HH:MM), the banner names the firing alert.
    const clock = await page.locator('time.clock').innerText();
    assert.match(clock, /^\d{1,2}:\d{2}/);
    const banner = page.locator('.banner[role="alert"]');
    await banner.waitFor({ timeout: 30_000 });
    assert.match(await banner.innerText(), /alerts? firing: HostIsUp/);
    assert.equal(await kiosk.getAttribute('data-stale'), 'no');
    await screenshots(page, 'kiosk-fleet');
    await page.locator('.kiosk[data-slide="1"]').waitFor({ timeout: 15_000 });
    await atLeast(page.locator('section.panel[data-state="ready"]'), 4);
    assert.ok(
      (await inkedPixels(page.locator('section.panel canvas').first())) > 500,
      'a host chart is painted',
    );
    await screenshots(page, 'kiosk-host');

    await stack!.stopServe();
    await page.locator('.kiosk[data-connection="lost"]').waitFor({ timeout: 30_000 });
    assert.match(await kiosk.innerText(), /Connection lost/);
    assert.equal(await kiosk.getAttribute('data-stale'), 'yes', 'what is shown is marked stale');
    assert.equal(await page.locator('main.stage.dim').count(), 1, 'the last slide stays up, dimmed');
    await screenshots(page, 'kiosk-lost');
    await stack!.startServe();
    await page.locator('.kiosk[data-connection="ok"]').waitFor({ timeout: 30_000 });
    assert.match(await kiosk.innerText(), /Live|stale/);
    // After the reconnect the slides are drawn again from fresh data.
    await atLeast(page.locator('li.tile, section.panel[data-state="ready"]'), 1);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  },
);

test(
  'a dashboard is created, edited with a variable and panels, saved, and still there after a reload',
  { skip, timeout: 90_000 },
  async () => {
    const page = await open('/dashboards');
    await page.getByLabel('New dashboard title').fill('Lab wall');
    await page.getByRole('button', { name: '+ New dashboard' }).click();
    await page.waitForURL(/\/dashboards\/lab-wall$/);
    await page.getByRole('button', { name: '✎ Edit' }).click();
    // A $host variable over the fleet's instances.
    await page.getByRole('button', { name: '+ Variable' }).click();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page
      .getByLabel('Variable host')
      .locator('option')
      .nth(HOSTS - 1)
      .waitFor({ state: 'attached' });
    // A time series panel of the chosen host's load.
    await page.getByRole('button', { name: '+ Panel' }).click();
    await page.getByLabel('Panel title').fill('Load of $host');
    const expr = page.locator('.editor .cm-content').first();
    await expr.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('node_load1{instance="$host"}');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Done' }).click();
    // A stat panel with a threshold.
    await page.getByRole('button', { name: '+ Panel' }).click();
    await page.getByLabel('Panel title').fill('Hosts up');
    await page.getByLabel('Panel type').selectOption('stat');
    const expr2 = page.locator('.editor .cm-content').first();
    await expr2.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('count(up == 1)');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '+ Threshold' }).click();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: '✓ Saved' }).waitFor();

    await page.reload();
    const stat = page.locator('section.panel[data-type="stat"] .big');
    await stat.waitFor({ timeout: 45_000 });
    assert.equal(await stat.innerText(), String(HOSTS), 'the stat panel counts the hosts that are up');
    const chart = page.locator('section.panel canvas').first();
    await chart.waitFor({ timeout: 20_000 });
    await waitFor('the load chart', async () => ((await inkedPixels(chart)) > 500 ? true : undefined));
    const saved = (await (await fetch(`${stack!.base}/api/vigie/dashboards/lab-wall`)).json()) as {
      data: {
        dashboard: { variables: { name: string }[]; panels: { type: string; queries: { expr: string }[] }[] };
      };
    };
    assert.deepEqual(
      saved.data.dashboard.panels.map((p) => [p.type, p.queries[0]!.expr]),
      [
        ['timeseries', 'node_load1{instance="$host"}'],
        ['stat', 'count(up == 1)'],
      ],
    );
    assert.deepEqual(
      saved.data.dashboard.variables.map((v) => v.name),
      ['host'],
    );
    await screenshots(page, 'dashboard');
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  },
);

test('an alert is silenced and unsilenced from the Alerts page', { skip, timeout: 120_000 }, async () => {
  const page = await open('/alerts');
  const row = page.locator('tr', { hasText: 'the host answers' }); // the alert's row (its summary)
  await row.locator('.badge', { hasText: 'firing' }).waitFor({ timeout: 45_000 });
  // The button comes with the router's view of the alert, which the page polls apart from the rules' one.
  await row.getByRole('button', { name: 'Silence 2 h' }).click({ timeout: 45_000 });
  await row.locator('.badge', { hasText: 'silenced' }).waitFor({ timeout: 15_000 });
  const silence = page.locator('tr', { hasText: 'alertname="HostIsUp"' });
  await silence.waitFor();
  await screenshots(page, 'alerts-silenced');
  await silence.getByRole('button', { name: 'Unsilence' }).click();
  await row.locator('.badge', { hasText: 'firing' }).waitFor({ timeout: 15_000 });
  assert.equal(await page.getByText('No active silence').count(), 1);
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});

/** probeRoutes tells whether the appliance serves the probe checks API yet. */
async function probeRoutes(): Promise<boolean> {
  return (await fetch(`${stack!.base}/api/vigie/probes`)).status !== 404;
}

test(
  'a probe check is added, tested, shown as a service tile on the fleet overview, and deleted',
  { skip, timeout: 120_000 },
  async (t) => {
    const page = await open('/checks');
    if (!(await probeRoutes())) {
      // The page must then say so plainly, not fail.
      await page.getByText('This appliance has no probe stage').waitFor({ timeout: 20_000 });
      await screenshots(page, 'checks-absent');
      await page.close();
      t.skip('the appliance does not serve /api/vigie/probes yet');
      return;
    }
    await page.getByRole('button', { name: '+ Add check' }).click();
    await page.getByLabel('Check name').fill('Fleet host one');
    assert.equal(await page.getByLabel('Check id').inputValue(), 'fleet-host-one', 'the id follows the name');
    // A loopback HTTP server of this test: the first simulated host's metrics page.
    await page.getByLabel('Check target').fill(`http://${stack!.fleet.targets[0]}/metrics`);
    await page.getByLabel('Check interval').fill('2s');
    await page.getByLabel('Check timeout').fill('1s');
    await page.getByLabel('Body regex').fill('node_load1');
    await page.getByRole('button', { name: '▶ Test now' }).click();
    const result = page.locator('.check-form .result');
    await result.waitFor({ timeout: 20_000 });
    assert.equal(await result.getAttribute('data-success'), 'yes', await result.innerText());
    assert.match(await result.innerText(), /HTTP 200/);
    await screenshots(page, 'checks-form');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const row = page.locator('tr[data-check="fleet-host-one"]');
    await row.waitFor({ timeout: 15_000 });
    await row.locator('.badge', { hasText: 'up' }).waitFor({ timeout: 30_000 });
    await screenshots(page, 'checks');

    // The fleet overview shows it as a service tile with its latency sparkline.
    const fleet = await open('/');
    await fleet.locator('.fleet[data-state="ready"] li.tile').first().waitFor({ timeout: 30_000 });
    const tile = fleet.locator('li.service', { hasText: 'Fleet host one' });
    await tile.locator('.badge', { hasText: 'up' }).waitFor({ timeout: 30_000 });
    assert.match(await tile.innerText(), /Latency\s+\d/);
    await screenshots(fleet, 'fleet-services');
    assert.deepEqual(pageErrors(fleet), []);
    await fleet.close();

    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Confirm delete' }).click();
    await row.waitFor({ state: 'detached', timeout: 15_000 });
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  },
);

const lanSkip = skip ?? lanSkipReason();

test(
  'LAN: an agent discovered by mDNS is shown pending and adopted from the Agents page',
  { skip: lanSkip, timeout: 180_000 },
  async (t) => {
    const lan = await startLanStack(CHROMIUM);
    const profile = mkdtempSync(join(tmpdir(), 'vigie-chromium-lan-'));
    t.after(async () => {
      await lan.stop();
      rmSync(profile, { recursive: true, force: true });
    });
    // The browser runs inside the lab's hub namespace, where the appliance is (nothing leaves the lab).
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: lan.chromium,
      headless: true,
      viewport: { width: 1920, height: 1080 },
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    t.after(() => context.close().catch(() => undefined));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${lan.base}/agents`);
    const row = page.locator(`tr[data-agent="${lan.agentId}"]`);
    await row.locator('.badge', { hasText: 'pending' }).waitFor({ timeout: 30_000 });
    const adopt = row.getByRole('button', { name: 'Adopt' });
    // The key is verified (the agent proved it holds it) before adoption is offered.
    await waitFor('the agent key verified', async () => ((await adopt.isEnabled()) ? true : undefined));
    await screenshots(page, 'agents-pending');
    await adopt.click();
    await row.locator('.badge', { hasText: 'adopted' }).waitFor({ timeout: 15_000 });
    // Adopted means scraped: the host appears on the fleet overview, seen moments ago (its badge may read
    // "high usage" on a busy build machine, so the test does not insist on "up").
    await page.goto(`${lan.base}/`);
    const tile = page.locator('li.tile', { hasText: /Last seen (just now|\d+s ago)/ });
    await tile.first().waitFor({ timeout: 30_000 });
    assert.doesNotMatch(await tile.first().innerText(), /down|waiting/);
    await screenshots(page, 'fleet-adopted');
    assert.deepEqual(errors, []);
  },
);
