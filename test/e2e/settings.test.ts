// settings.test.ts: the Rules and Settings pages in real Chromium against `vigie serve` fed by a simulated
// fleet — a threshold rule created with its preview drawn and evaluated without a restart, Telegram set up
// against the Bot API stand-in (token check, chat found from the first message, test message), a read-only
// token created and shown once — and, in the test LAN of network namespaces, the access control seen from
// another machine: kiosk URL with the token works, writes with it are refused, the password logs in.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Locator, type Page } from 'playwright-core';
import { waitFor } from '../support/process';
import { startBotApiStandIn, type BotApiStandIn } from '../fixtures/telegram/bot-api-stand-in';
import { Lab } from '../lab/netns';
import { labHttp, startVigie, tempDir, VIGIE_PORT, vigieUrl } from '../lab/support';
import { CHROMIUM, inkedPixels, launchBrowser, screenshots, skipReason, type Browser } from './browser';
import { ensureRendererBuilt, lanSkipReason, startStack, type Stack } from './stack';

const skip = skipReason();
let stack: Stack | undefined;
let browser: Browser | undefined;
let telegram: BotApiStandIn | undefined;

before(
  async () => {
    if (skip) return;
    ensureRendererBuilt();
    stack = await startStack({ hosts: 2, seriesPerHost: 200, historyHours: 2, historyStep: '15s' });
    browser = await launchBrowser();
    telegram = await startBotApiStandIn({ botName: 'vigie_e2e_bot' });
  },
  { timeout: 300_000 },
);
after(async () => {
  await telegram?.close();
  await browser?.close();
  await stack?.stop();
});

async function open(path: string): Promise<Page & { errors: string[] }> {
  const page = (await browser!.context.newPage()) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(stack!.base + path);
  return page;
}

/** pixelsOf counts canvas pixels within a small distance of a colour: a line of that colour was painted. */
function pixelsOf(canvas: Locator, rgb: [number, number, number]): Promise<number> {
  return canvas.evaluate((el, want) => {
    // In the page; the core's type check has no DOM library, so the canvas is typed by hand.
    const c = el as unknown as {
      width: number;
      height: number;
      getContext(
        k: '2d',
      ): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
    };
    const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
    if (d === undefined) return 0;
    let n = 0;
    for (let i = 0; i < d.length; i += 4)
      if (
        d[i + 3]! > 200 &&
        Math.abs(d[i]! - want[0]) + Math.abs(d[i + 1]! - want[1]) + Math.abs(d[i + 2]! - want[2]) < 60
      )
        n++;
    return n;
  }, rgb);
}

async function api<T>(path: string): Promise<T> {
  const r = await fetch(stack!.base + path);
  return ((await r.json()) as { data: T }).data;
}

test(
  'a threshold rule made on the Rules page shows its preview with thresholds and runs at once',
  { skip, timeout: 120_000 },
  async () => {
    const page = await open('/rules');
    await page.getByRole('button', { name: '+ New threshold rule' }).click();
    await page.locator('input[name=name]').fill('E2eHighLoad');
    await page.locator('.rule-form .cm-content').click();
    await page.keyboard.type('node_load1');
    const canvas = page.locator('[data-testid=rule-preview] canvas');
    await canvas.waitFor({ timeout: 30_000 });
    // The expression's own line first (the first series colour), then the threshold lines on top of it.
    const series = await waitFor('the preview line drawn', async () => {
      const n = await pixelsOf(canvas, [0x2f, 0x7d, 0xf6]);
      return n > 200 ? n : undefined;
    });
    assert.ok(series > 200, `the expression is drawn (${series} pixels)`);
    await page.locator('input[name=warn]').fill('0.000001');
    await page.locator('input[name=critical]').fill('1000');
    await page.locator('input[name=for]').fill('0s');
    const critical = await waitFor('the critical threshold drawn', async () => {
      const n = await pixelsOf(canvas, [0xc6, 0x28, 0x28]);
      return n > 100 ? n : undefined;
    });
    assert.ok(critical > 100, `the critical line is drawn (${critical} pixels)`);
    assert.ok((await inkedPixels(canvas)) > series + critical);
    await screenshots(page, 'rule-editor');
    await page.getByRole('button', { name: 'Save rule' }).click();
    const row = page.locator('tr[data-rule="e2e-high-load"]');
    await row.waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), /node_load1[\s\S]*> 0\.000001[\s\S]*> 1000/);
    // Applied without a restart: the rule manager evaluates it, and with load above 0.000001 it fires.
    type Groups = { groups: { file: string; rules: { name: string; state?: string; health: string }[] }[] };
    const state = await waitFor(
      'the rule firing',
      async () => {
        const g = (await api<Groups>('/api/v1/rules')).groups.find((x) => x.file === 'vigie:threshold-rules');
        const r = g?.rules.filter((x) => x.name === 'E2eHighLoad') ?? [];
        return r.length === 2 && r.some((x) => x.state === 'firing') ? r : undefined;
      },
      30_000,
    );
    assert.equal(state.length, 2, 'one rule per severity');
    await page.reload();
    await row.locator('.badge', { hasText: 'firing' }).waitFor({ timeout: 15_000 });
    await screenshots(page, 'rules-threshold');
    // The loaded groups list the default pack read-only beside the threshold rules.
    assert.match(await page.locator('#groups-title').locator('..').innerText(), /default rule pack/);
    // A bad expression is refused with the parser's message, nothing stored.
    await row.getByRole('button', { name: 'Edit E2eHighLoad' }).click();
    await page.locator('.rule-form .cm-content').click();
    await page.keyboard.press('End');
    await page.keyboard.type(' +');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.locator('.rule-form .error').waitFor({ timeout: 10_000 });
    assert.match(await page.locator('.rule-form .error').innerText(), /expr:/);
    assert.deepEqual(page.errors, []);
    await page.close();
  },
);

test(
  'Telegram is set up from the Settings page against the Bot API stand-in',
  { skip, timeout: 90_000 },
  async () => {
    const page = await open('/settings');
    const status = page.locator('[data-testid=telegram-status]');
    await page.locator('input[name=telegram-token]').fill('999:WRONG');
    await page.locator('summary', { hasText: 'Advanced' }).click();
    await page.locator('input[name=telegram-api]').fill(telegram!.url);
    await page.getByRole('button', { name: '1. Check token' }).click();
    await status.filter({ hasText: 'refused the token' }).waitFor({ timeout: 15_000 });

    await page.locator('input[name=telegram-token]').fill('123456:TEST');
    await page.getByRole('button', { name: '1. Check token' }).click();
    await status.filter({ hasText: 'Token accepted' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: '2. Find chat' }).click();
    await status.filter({ hasText: 'No message yet' }).waitFor({ timeout: 15_000 });
    telegram!.pushUpdate({
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 4242, type: 'private', first_name: 'Ada' },
        from: { id: 7, is_bot: false, first_name: 'Ada' },
        text: 'hello',
      },
    });
    await page.getByRole('button', { name: '2. Find chat' }).click();
    await status.filter({ hasText: 'Found the chat "Ada" (4242)' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: '3. Send test message' }).click();
    await status.filter({ hasText: 'Test message sent' }).waitFor({ timeout: 15_000 });
    assert.equal(telegram!.messages().at(-1)!.chatId, '4242');
    await page.getByRole('button', { name: 'Save set-up' }).click();
    await status.filter({ hasText: 'Saved' }).waitFor({ timeout: 15_000 });
    // The token is kept by the appliance and never sent back.
    const settings = await fetch(`${stack!.base}/api/vigie/settings`).then((r) => r.text());
    assert.ok(!settings.includes('123456:TEST'), 'the settings API never returns the token');
    assert.match(settings, /"chatId":4242/);
    await page.reload();
    assert.equal(await page.locator('input[name=telegram-token]').inputValue(), '');
    assert.match(await page.locator('#tg-title').locator('..').innerText(), /A token is saved for @/);
    await screenshots(page, 'settings');
    assert.deepEqual(page.errors, []);
    await page.close();
  },
);

test(
  'a read-only token is created on the Settings page and shown only once',
  { skip, timeout: 60_000 },
  async () => {
    const page = await open('/settings');
    await page.locator('input[name=token-name]').fill('Hall screen');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.locator('[data-testid=new-token]');
    await shown.waitFor({ timeout: 15_000 });
    const token = /vro_[A-Za-z0-9_-]+/.exec(await shown.innerText())![0];
    assert.match(await shown.innerText(), new RegExp(`/kiosk\\?token=${token}`));
    await page.getByRole('table', { name: 'Read-only tokens' }).getByText('Hall screen').waitFor();
    await page.reload();
    await page.getByRole('table', { name: 'Read-only tokens' }).getByText('Hall screen').waitFor();
    assert.ok(!(await page.content()).includes(token), 'the token is not shown again');
    await page.close();
  },
);

const lanSkip = skip ?? lanSkipReason();

test(
  'LAN: from another machine, a kiosk URL with a read-only token works, writes with it are refused, and the password logs in',
  { skip: lanSkip, timeout: 180_000 },
  async (t) => {
    const lab = Lab.create(1);
    const vigieDir = tempDir('e2e-settings-vigie');
    const profile = mkdtempSync(join(tmpdir(), 'vigie-chromium-lan-'));
    t.after(async () => {
      await lab.teardown();
      vigieDir.remove();
      rmSync(profile, { recursive: true, force: true });
    });
    await startVigie(lab, vigieDir.dir);
    const hub = lab.hub;
    const other = lab.hosts[0]!;
    // From the hub itself (loopback): set the password, make a token, turn sharing on.
    const put = (path: string, body: unknown, method = 'PUT') =>
      labHttp(hub, vigieUrl(path), method, JSON.stringify(body));
    assert.equal((await put('/api/vigie/settings/password', { password: 'lab password' })).status, 200);
    const made = await put('/api/vigie/settings/tokens', { name: 'wall' }, 'POST');
    const token = (made.body as { data: { token: string } }).data.token;
    assert.equal((await put('/api/vigie/settings/sharing', { enabled: true })).status, 200);

    const base = `http://${hub.ip}:${VIGIE_PORT}`;
    const q = `/api/v1/query?query=${encodeURIComponent('vector(1)')}`;
    assert.equal((await labHttp(other, base + q)).status, 401, 'no credentials from the LAN');
    assert.equal((await labHttp(other, `${base}${q}&token=${token}`)).status, 200, 'the token reads');
    const write = await labHttp(
      other,
      `${base}/api/vigie/silences?token=${token}`,
      'POST',
      JSON.stringify({ matchers: ['alertname="x"'], duration: '1h' }),
    );
    assert.equal(write.status, 403, 'the token never writes');
    assert.equal((await labHttp(hub, vigieUrl(q))).status, 200, 'the machine itself needs nothing');

    // A browser on the other machine: the kiosk URL with the token, then the login form.
    const wrapper = join(vigieDir.dir, 'chromium-in-host');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${other.ns} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: wrapper,
      headless: true,
      viewport: { width: 1920, height: 1080 },
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    t.after(() => context.close().catch(() => undefined));
    const kiosk = await context.newPage();
    const unauthorized: string[] = [];
    kiosk.on('response', (r) => {
      if (r.status() === 401) unauthorized.push(r.url());
    });
    await kiosk.goto(`${base}/kiosk?token=${token}`);
    await kiosk.locator('[data-stale]').waitFor({ timeout: 30_000 });
    await waitFor('the kiosk connected', async () =>
      (await kiosk.locator('[data-stale="no"]').count()) > 0 ? true : undefined,
    );
    assert.deepEqual(unauthorized, [], 'the kiosk makes no unauthorised call');

    const page = await context.newPage();
    // Without a session, the first refused API call sends the page to the login form, then back.
    await page.goto(`${base}/settings`);
    await page.waitForURL(/\/login\?next=%2Fsettings$/, { timeout: 15_000 });
    await page.locator('input[name=password]').fill('lab password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/settings$/, { timeout: 15_000 });
    await page.getByRole('button', { name: 'Log out' }).waitFor({ timeout: 15_000 });
    await page.locator('#share-title').waitFor();
    assert.match(await page.locator('#share-title').locator('..').innerText(), /Sharing is on/);
  },
);
