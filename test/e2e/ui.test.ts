// ui.test.ts: every page of the renderer in real Chromium against `vigie serve` fed by a simulated fleet:
// real data shown, charts actually painted, the PromQL editor completing names, the kiosk rotating and
// reconnecting by itself after the appliance restarts. Screenshots land in test-artifacts/e2e/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { waitFor } from '../support/process';
import { inkedPixels, launchBrowser, screenshots, skipReason, type Browser } from './browser';
import { ensureRendererBuilt, startStack, type Stack } from './stack';

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
      seriesPerHost: 200,
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

async function open(path: string): Promise<Page> {
  const page = await browser!.context.newPage();
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
  const page = await open(`/hosts/${encodeURIComponent(instance)}`);
  const charts = page.locator('section.panel canvas');
  await atLeast(page.locator('section.panel:not([data-state="loading"])'), 16, 60_000);
  const n = await charts.count();
  assert.ok(n >= 8, `at least 8 charts have data (got ${n})`);
  for (let i = 0; i < n; i++) assert.ok((await inkedPixels(charts.nth(i))) > 500, `chart ${i} is painted`);
  const rows = page.locator('section.mounts tbody tr');
  assert.ok((await rows.count()) >= 1, 'the filesystem table lists mounts');
  assert.match(await page.locator('.stats').innerText(), /Uptime\s+\d+d|\d+h|\d+m/);
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
  ] as const) {
    const page = await open(path);
    await page.getByText(expect).first().waitFor({ timeout: 20_000 });
    await screenshots(page, name);
    assert.deepEqual(pageErrors(page), [], `${path} has no script error`);
    await page.close();
  }
});

test(
  'the kiosk rotates, and reconnects by itself after the appliance restarts',
  { skip, timeout: 120_000 },
  async () => {
    const page = await open('/kiosk?interval=5');
    const kiosk = page.locator('.kiosk[data-connection]');
    await page.locator('.kiosk[data-connection="ok"]').waitFor({ timeout: 30_000 });
    await page.locator('li.tile').first().waitFor({ timeout: 30_000 });
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
    await screenshots(page, 'kiosk-lost');
    await stack!.startServe();
    await page.locator('.kiosk[data-connection="ok"]').waitFor({ timeout: 30_000 });
    assert.match(await kiosk.innerText(), /Live|stale/);
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
    await stat.waitFor({ timeout: 20_000 });
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

test('an alert is silenced and unsilenced from the Alerts page', { skip, timeout: 60_000 }, async () => {
  const page = await open('/alerts');
  const row = page.locator('tr', { hasText: 'the host answers' }); // the alert's row (its summary)
  await row.locator('.badge', { hasText: 'firing' }).waitFor({ timeout: 30_000 });
  await row.getByRole('button', { name: 'Silence 2 h' }).click();
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
