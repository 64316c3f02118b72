import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KioskController, parseDesktopArgs, resolveKiosk } from './kiosk';

test('--kiosk and --no-kiosk override the setting; Chromium switches are ignored', () => {
  assert.deepEqual(parseDesktopArgs(['/usr/bin/vigie', '--kiosk', '--enable-logging']), { kiosk: true });
  assert.deepEqual(parseDesktopArgs(['vigie', '--no-kiosk']), { kiosk: false });
  assert.equal(resolveKiosk(parseDesktopArgs(['vigie']), true), true);
  assert.equal(resolveKiosk(parseDesktopArgs(['vigie', '--no-kiosk']), true), false);
  assert.equal(resolveKiosk(parseDesktopArgs(['vigie', '--kiosk']), false), true);
});

test('kiosk mode goes full screen on /kiosk, keeps the display awake, and releases it when off', async () => {
  const urls: string[] = [];
  const state = { kiosk: false, full: false };
  const blockers = new Set<number>();
  const login: boolean[] = [];
  let next = 1;
  const k = new KioskController(
    {
      setKiosk: (on) => (state.kiosk = on),
      setFullScreen: (on) => (state.full = on),
      loadURL: async (u) => void urls.push(u),
    },
    {
      preventDisplaySleep: () => {
        blockers.add(next);
        return next++;
      },
      allowDisplaySleep: (id) => blockers.delete(id),
      setStartAtLogin: (on) => login.push(on),
    },
  );
  await k.set(true);
  await k.set(true); // no second blocker, no reload
  assert.deepEqual(state, { kiosk: true, full: true });
  assert.equal(blockers.size, 1);
  assert.deepEqual(urls, ['app://vigie/kiosk']);
  await k.set(false);
  assert.deepEqual(state, { kiosk: false, full: false });
  assert.equal(blockers.size, 0);
  assert.deepEqual(urls, ['app://vigie/kiosk', 'app://vigie/']);
  await k.set(true);
  k.dispose();
  assert.equal(blockers.size, 0);
  k.setStartAtLogin(true);
  assert.deepEqual(login, [true]);
});
