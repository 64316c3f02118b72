import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  summarizeAlertsResponse,
  TRAY_COLOURS,
  trayIconBitmap,
  trayMenuTemplate,
  trayTooltip,
  worstFiringLevel,
  type AlertLike,
  type TrayActions,
} from './tray-state';

const alert = (state: string, severity?: string): AlertLike => ({
  state,
  labels: severity === undefined ? { alertname: 'X' } : { alertname: 'X', severity },
});

test('the tray shows the worst firing severity; pending alerts do not count', () => {
  assert.equal(worstFiringLevel([]), 'ok');
  assert.equal(worstFiringLevel([alert('pending', 'critical')]), 'ok');
  assert.equal(worstFiringLevel([alert('firing', 'info')]), 'info');
  assert.equal(worstFiringLevel([alert('firing', 'info'), alert('firing', 'warning')]), 'warning');
  assert.equal(
    worstFiringLevel([alert('firing', 'warning'), alert('firing', 'critical'), alert('firing')]),
    'critical',
  );
  assert.equal(worstFiringLevel([alert('firing')]), 'warning'); // unlabelled alerts are not ignored
});

test('an alerts API failure is unknown, never green', () => {
  assert.deepEqual(summarizeAlertsResponse(404, undefined), { level: 'unknown', firing: 0 });
  assert.deepEqual(summarizeAlertsResponse(200, { status: 'success', data: {} }), {
    level: 'unknown',
    firing: 0,
  });
  assert.deepEqual(
    summarizeAlertsResponse(200, {
      status: 'success',
      data: { alerts: [alert('firing', 'critical'), alert('firing', 'info'), alert('pending', 'warning')] },
    }),
    { level: 'critical', firing: 2 },
  );
});

test('the icon is a disc of the level colour with transparent corners', () => {
  const size = 16;
  const px = trayIconBitmap('critical', size);
  assert.equal(px.length, size * size * 4);
  const at = (x: number, y: number) => [...px.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
  const [r, g, b] = TRAY_COLOURS.critical;
  assert.deepEqual(at(8, 8), [b, g, r, 255]); // BGRA
  assert.deepEqual(at(0, 0), [0, 0, 0, 0]);
  assert.notDeepEqual(trayIconBitmap('ok', size), px);
});

test('the menu offers open, kiosk, pause, share and quit, and wires each', () => {
  const calls: string[] = [];
  const actions: TrayActions = {
    open: () => calls.push('open'),
    setKiosk: (on) => calls.push(`kiosk:${on}`),
    pauseNotifications: () => calls.push('pause'),
    resumeNotifications: () => calls.push('resume'),
    setSharing: (on) => calls.push(`share:${on}`),
    quit: () => calls.push('quit'),
  };
  const now = Date.UTC(2026, 0, 1, 10, 0);
  const items = trayMenuTemplate({ level: 'warning', firing: 2, kiosk: false }, actions, now);
  const labels = items.filter((i) => i.type !== 'separator').map((i) => i.label);
  assert.deepEqual(labels, [
    'warnings firing (2)',
    'Open Vigie',
    'Kiosk mode',
    'Pause notifications for 1 hour',
    'Share on LAN',
    'Quit Vigie',
  ]);
  for (const i of items) (i.click as (() => void) | undefined)?.();
  assert.deepEqual(calls, ['open', 'kiosk:true', 'pause', 'share:true', 'quit']);

  const paused = trayMenuTemplate(
    { level: 'ok', firing: 0, kiosk: true, pausedUntil: now + 3_600_000, sharingUrl: 'http://0.0.0.0:9742' },
    actions,
    now,
  );
  assert.ok(paused.some((i) => i.label?.startsWith('Resume notifications')));
  assert.equal(paused.find((i) => i.label === 'Share on LAN')?.checked, true);
  assert.equal(paused.find((i) => i.label === 'Kiosk mode')?.checked, true);
});

test('the tooltip says the state in words', () => {
  assert.equal(trayTooltip({ level: 'ok', firing: 0, kiosk: false }), 'Vigie: all clear');
  assert.equal(
    trayTooltip({ level: 'critical', firing: 3, kiosk: false, pausedUntil: 1 }),
    'Vigie: critical alerts firing (3), notifications paused',
  );
});
