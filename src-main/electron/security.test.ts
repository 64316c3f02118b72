import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Session, WebContents } from 'electron';
import {
  allowPermission,
  externalLinkTarget,
  guardSession,
  guardWebContents,
  isAppUrl,
  isWebUrl,
  secureWebPreferences,
} from './security';

test('isAppUrl accepts only the app origin', () => {
  assert.equal(isAppUrl('app://vigie/'), true);
  assert.equal(isAppUrl('app://vigie/alerts?x=1'), true);
  assert.equal(isAppUrl('app://vigie'), true);
  assert.equal(isAppUrl('app://other/'), false);
  assert.equal(isAppUrl('https://vigie/'), false);
  assert.equal(isAppUrl('file:///etc/passwd'), false);
  assert.equal(isAppUrl('not a url'), false);
});

test('isWebUrl allows only http and https', () => {
  assert.equal(isWebUrl('https://prometheus.io/docs'), true);
  assert.equal(isWebUrl('http://10.0.0.5:9740/metrics'), true);
  assert.equal(isWebUrl('file:///etc/passwd'), false);
  assert.equal(isWebUrl('javascript:alert(1)'), false);
  assert.equal(isWebUrl('smb://share/x'), false);
});

test('the window runs sandboxed and isolated without Node', () => {
  const p = secureWebPreferences('/x/preload.cjs');
  assert.equal(p.sandbox, true);
  assert.equal(p.contextIsolation, true);
  assert.equal(p.nodeIntegration, false);
  assert.equal(p.nodeIntegrationInSubFrames, false);
  assert.equal(p.webviewTag, false);
  assert.equal(p.webSecurity, true);
  assert.equal(p.allowRunningInsecureContent, false);
  assert.equal(p.preload, '/x/preload.cjs');
});

test('only clicked http(s) links leave for the system browser', () => {
  assert.equal(
    externalLinkTarget({ url: 'https://grafana.com/', disposition: 'foreground-tab' }),
    'https://grafana.com/',
  );
  assert.equal(externalLinkTarget({ url: 'https://grafana.com/', disposition: 'default' }), undefined);
  assert.equal(externalLinkTarget({ url: 'file:///etc/passwd', disposition: 'new-window' }), undefined);
});

test('only notifications are granted, and only to the app', () => {
  assert.equal(allowPermission('notifications', 'app://vigie/'), true);
  assert.equal(allowPermission('notifications', 'https://evil.example/'), false);
  assert.equal(allowPermission('media', 'app://vigie/'), false);
  assert.equal(allowPermission('geolocation', 'app://vigie/'), false);
  assert.equal(allowPermission('notifications', undefined), false);
});

/** navEvent is a cancellable Electron navigation event. */
function navEvent(url: string): { url: string; prevented: boolean; preventDefault(): void } {
  return {
    url,
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

test('guardWebContents keeps navigation inside the app and denies new windows', async () => {
  const contents = new EventEmitter() as EventEmitter & {
    handler?: (d: { url: string; disposition: string }) => { action: string };
    setWindowOpenHandler(h: (d: { url: string; disposition: string }) => { action: string }): void;
  };
  contents.setWindowOpenHandler = (h) => (contents.handler = h);
  const opened: string[] = [];
  const logged: string[] = [];
  guardWebContents(contents as unknown as WebContents, {
    openExternal: async (u) => void opened.push(u),
    log: (m) => logged.push(m),
  });
  const away = navEvent('https://evil.example/');
  contents.emit('will-navigate', away);
  assert.equal(away.prevented, true);
  const inside = navEvent('app://vigie/dashboards');
  contents.emit('will-navigate', inside);
  assert.equal(inside.prevented, false);
  const redirect = navEvent('http://phish.example/');
  contents.emit('will-redirect', redirect);
  assert.equal(redirect.prevented, true);
  const webview = navEvent('');
  contents.emit('will-attach-webview', webview);
  assert.equal(webview.prevented, true);

  assert.deepEqual(contents.handler!({ url: 'https://prometheus.io/', disposition: 'foreground-tab' }), {
    action: 'deny',
  });
  assert.deepEqual(contents.handler!({ url: 'app://vigie/popup', disposition: 'new-window' }), {
    action: 'deny',
  });
  assert.deepEqual(contents.handler!({ url: 'https://ads.example/', disposition: 'other' }), {
    action: 'deny',
  });
  await Promise.resolve();
  assert.deepEqual(opened, ['https://prometheus.io/']);
  assert.ok(logged.some((m) => m.includes('https://evil.example/')));
});

test('guardSession answers permission requests and checks', () => {
  let request:
    ((wc: unknown, p: string, cb: (ok: boolean) => void, d: { requestingUrl: string }) => void) | undefined;
  let check: ((wc: unknown, p: string, origin: string) => boolean) | undefined;
  guardSession({
    setPermissionRequestHandler: (h: typeof request) => (request = h),
    setPermissionCheckHandler: (h: typeof check) => (check = h),
  } as unknown as Session);
  const answers: boolean[] = [];
  request!(null, 'notifications', (ok) => answers.push(ok), { requestingUrl: 'app://vigie/alerts' });
  request!(null, 'media', (ok) => answers.push(ok), { requestingUrl: 'app://vigie/alerts' });
  request!(null, 'notifications', (ok) => answers.push(ok), { requestingUrl: 'https://x.example/' });
  assert.deepEqual(answers, [true, false, false]);
  assert.equal(check!(null, 'notifications', 'app://vigie'), true);
  assert.equal(check!(null, 'geolocation', 'app://vigie'), false);
});
