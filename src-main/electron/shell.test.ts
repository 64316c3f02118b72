import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { ApplianceOptions } from '../appliance';
import { defaultConfig } from '../config/load';
import { FakeBrowserWindow, fakeElectron, FakeNotification, FakeTray } from './fake-electron';
import { IPC_CHANNELS } from './ipc-channels';
import { registerSchemes, runDesktop, type ShellDeps } from './shell';

/** fakeCore stands in for the appliance: a web app with /api/v1/alerts and a page, recording its options and stop. */
function fakeCore(firing: { severity: string }[]) {
  const seen: { options?: ApplianceOptions; stopped: number; sharing: boolean } = {
    stopped: 0,
    sharing: false,
  };
  const web = new Hono();
  web.get('/api/vigie/settings', (c) =>
    c.json({ status: 'success', data: { sharing: { enabled: seen.sharing, hasPassword: seen.sharing } } }),
  );
  web.get('/api/v1/alerts', (c) =>
    c.json({ status: 'success', data: { alerts: firing.map((l) => ({ state: 'firing', labels: l })) } }),
  );
  web.get('/', (c) => c.html('<!doctype html><title>Vigie</title>'));
  const deps = (argv: string[]): ShellDeps => ({
    startAppliance: async (o) => {
      seen.options = o;
      return { fetch: async (r) => web.fetch(r), stop: async () => void seen.stopped++ };
    },
    loadConfig: async () => defaultConfig(),
    preload: '/app/dist/electron-preload.cjs',
    staticDir: '/app/dist/renderer',
    argv,
    log: () => {},
  });
  return { seen, deps };
}

function tempDir(t: { after(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-shell-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('app:// is registered as a standard secure scheme before ready', () => {
  const f = fakeElectron('/nowhere');
  registerSchemes(f.electron);
  assert.deepEqual(f.privileged, [
    {
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
    },
  ]);
});

test('a second instance quits at once (the first one is focused by Electron’s second-instance event)', async () => {
  const f = fakeElectron('/nowhere', { lock: false });
  let quit = 0;
  f.app.quit = () => quit++;
  const core = fakeCore([]);
  assert.equal(await runDesktop(f.electron, core.deps(['vigie'])), undefined);
  assert.equal(quit, 1);
  assert.equal(core.seen.options, undefined);
});

test('the desktop shell wires the core, a secure window, the tray, IPC and notifications', async (t) => {
  const dir = tempDir(t);
  const f = fakeElectron(dir);
  const core = fakeCore([{ severity: 'warning' }]);
  const shell = (await runDesktop(f.electron, core.deps(['vigie'])))!;
  t.after(() => shell.quit());

  // The core runs in-process with no listener, and gets the desktop notifier.
  assert.equal(core.seen.options!.listen, undefined);
  assert.equal(core.seen.options!.dataDir, dir);
  assert.ok(core.seen.options!.desktopNotifier);
  // The core keeps its secrets (Telegram token, LAN password hash) in the safeStorage-encrypted store.
  assert.equal(core.seen.options!.secrets, shell.secrets);
  shell.secrets!.set('probe', 'hunter2');
  assert.ok(!readFileSync(join(dir, 'secrets.json'), 'utf8').includes('hunter2'));

  // One window, secure, on app://vigie/, guarded.
  assert.equal(FakeBrowserWindow.created.length, 1);
  const win = FakeBrowserWindow.created[0]!;
  const prefs = win.options.webPreferences as Record<string, unknown>;
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.deepEqual(win.urls, ['app://vigie/']);
  const nav = {
    url: 'https://evil.example/',
    prevented: false,
    preventDefault: () => (nav.prevented = true),
  };
  win.webContents.emit('will-navigate', nav);
  assert.equal(nav.prevented, true);
  assert.deepEqual(
    win.webContents.windowOpenHandler!({ url: 'https://x.example/', disposition: 'default' }),
    {
      action: 'deny',
    },
  );

  // app:// answers from the core's fetch, with the CSP.
  const page = await f.protocolHandlers.get('app')!(new Request('app://vigie/'));
  assert.match(await page.text(), /<title>Vigie/);
  assert.match(page.headers.get('content-security-policy')!, /default-src 'self'/);

  // Only notifications are granted.
  const granted: boolean[] = [];
  f.permissionRequest!(null, 'notifications', (ok) => granted.push(ok), { requestingUrl: 'app://vigie/' });
  f.permissionRequest!(null, 'media', (ok) => granted.push(ok), { requestingUrl: 'app://vigie/' });
  assert.deepEqual(granted, [true, false]);

  // The tray turns amber for the firing warning.
  await shell.tray.refresh();
  assert.equal(shell.tray.state.level, 'warning');
  assert.equal(FakeTray.created[0]!.tooltip, 'Vigie: warnings firing (1)');

  // IPC: the preload's calls, checked sender; kiosk toggles full screen on /kiosk and is saved.
  assert.deepEqual([...f.handlers.keys()].sort(), Object.values(IPC_CHANNELS).sort());
  const fromApp = { senderFrame: { url: 'app://vigie/settings', parent: null } };
  assert.equal(await f.handlers.get(IPC_CHANNELS.appVersion)!(fromApp), '9.9.9');
  assert.equal(await f.handlers.get(IPC_CHANNELS.setKiosk)!(fromApp, true), true);
  assert.equal(win.kiosk, true);
  assert.equal(win.urls.at(-1), 'app://vigie/kiosk');
  assert.equal(f.blockers.size, 1);
  assert.equal(JSON.parse(readFileSync(join(dir, 'desktop.json'), 'utf8')).kiosk, true);
  assert.equal(shell.tray.state.kiosk, true);
  assert.throws(
    () =>
      f.handlers.get(IPC_CHANNELS.setKiosk)!(
        { senderFrame: { url: 'https://evil.example/', parent: null } },
        false,
      ),
    /sender not allowed/,
  );

  // A desktop notification from the alert router; clicking it opens the alert in the window.
  await core.seen.options!.desktopNotifier!.notify({
    id: 'g1',
    title: 'DiskFull',
    body: 'host-3: / is 97% full',
    severity: 'critical',
    url: '/alerts?group=g1',
  });
  assert.equal(FakeNotification.shown.length, 1);
  win.visible = false;
  FakeNotification.shown[0]!.emit('click');
  assert.equal(win.urls.at(-1), 'app://vigie/alerts?group=g1');
  assert.equal(win.visible, true);

  // Pausing from the tray holds notifications back.
  const menu = (FakeTray.created[0]!.menu as { template: { label?: string; click?: () => void }[] }).template;
  menu.find((i) => i.label === 'Pause notifications for 1 hour')!.click!();
  assert.ok(shell.tray.state.pausedUntil! > Date.now());
  await core.seen.options!.desktopNotifier!.notify({
    id: 'g2',
    title: 'x',
    body: 'y',
    severity: 'info',
    url: '/',
  });
  assert.equal(FakeNotification.shown.length, 1);

  // A crashed renderer is reloaded; closing the window hides it to the tray; a second launch shows it.
  win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
  assert.equal(win.webContents.reloads, 1);
  const close = { prevented: false, preventDefault: () => (close.prevented = true) };
  win.emit('close', close);
  assert.equal(close.prevented, true);
  assert.equal(win.visible, false);
  f.app.emit('second-instance');
  assert.equal(win.visible, true);
  win.hide();
  f.app.emit('activate');
  assert.equal(win.visible, true);

  // Quit flushes the core, releases the display, removes IPC and exits.
  await shell.quit();
  assert.equal(core.seen.stopped, 1);
  assert.equal(f.blockers.size, 0);
  assert.equal(f.handlers.size, 0);
  assert.equal(FakeTray.created[0]!.destroyed, true);
  assert.equal(f.exitCode, 0);
});

test('--kiosk starts on the playlist; share on LAN puts the core on a listener', async (t) => {
  const dir = tempDir(t);
  const f = fakeElectron(dir);
  const core = fakeCore([]);
  const shell = (await runDesktop(f.electron, core.deps(['vigie', '--kiosk'])))!;
  t.after(() => shell.quit());
  const win = FakeBrowserWindow.created[0]!;
  assert.equal(win.options.kiosk, true);
  assert.deepEqual(win.urls, ['app://vigie/kiosk']);
  assert.equal(f.blockers.size, 1);

  shell.settings.lanListen = '127.0.0.1:0';
  const menu = () =>
    (FakeTray.created[0]!.menu as { template: { label?: string; click?: () => void }[] }).template;
  // Without a LAN password the tray refuses and shows Settings rather than opening an unguarded port.
  menu().find((i) => i.label === 'Share on LAN')!.click!();
  const wait = Date.now() + 5000;
  while (!win.urls.includes('app://vigie/settings') && Date.now() < wait)
    await new Promise((r) => setImmediate(r));
  assert.ok(win.urls.includes('app://vigie/settings'));
  assert.equal(shell.tray.state.sharingUrl, undefined);
  assert.equal(shell.settings.shareOnLan, false);

  core.seen.sharing = true;
  menu().find((i) => i.label === 'Share on LAN')!.click!();
  const deadline = Date.now() + 5000;
  while (shell.tray.state.sharingUrl === undefined && Date.now() < deadline)
    await new Promise((r) => setImmediate(r));
  const url = shell.tray.state.sharingUrl!;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${url}/api/v1/alerts`);
  assert.equal(((await res.json()) as { status: string }).status, 'success');
  await shell.quit();
  await assert.rejects(fetch(`${url}/api/v1/alerts`));
});
