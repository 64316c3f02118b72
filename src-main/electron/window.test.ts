import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appUrl, mainWindowOptions, startUrl } from './window';

test('the window is hidden until painted and secure', () => {
  const o = mainWindowOptions({ preload: '/app/dist/electron-preload.cjs', kiosk: false });
  assert.equal(o.show, false);
  assert.equal(o.kiosk, false);
  assert.equal(o.fullscreen, false);
  assert.equal(o.webPreferences?.sandbox, true);
  assert.equal(o.webPreferences?.contextIsolation, true);
  assert.equal(o.webPreferences?.nodeIntegration, false);
  assert.equal(o.webPreferences?.preload, '/app/dist/electron-preload.cjs');
});

test('kiosk windows are full screen and open the playlist', () => {
  const o = mainWindowOptions({ preload: '/p.cjs', kiosk: true });
  assert.equal(o.kiosk, true);
  assert.equal(o.fullscreen, true);
  assert.equal(startUrl(true), 'app://vigie/kiosk');
  assert.equal(startUrl(false), 'app://vigie/');
  assert.equal(appUrl('alerts?group=a'), 'app://vigie/alerts?group=a');
});
