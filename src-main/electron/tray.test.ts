import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import { FakeTray } from './fake-electron';
import { TrayController } from './tray';

test('the tray follows the firing alerts read in-process, and grey when they cannot be read', async () => {
  let alerts: unknown = { status: 'success', data: { alerts: [] } };
  let status = 200;
  const opened: string[] = [];
  const tray = new TrayController({
    createTray: (image) => new FakeTray(image) as never,
    image: (bitmap, size) => ({ bitmap, size }) as unknown as NativeImage,
    buildMenu: (t: MenuItemConstructorOptions[]) => t,
    fetch: (r) => {
      assert.equal(new URL(r.url).pathname, '/api/v1/alerts');
      return Response.json(alerts, { status });
    },
    actions: {
      open: () => opened.push('open'),
      setKiosk: () => {},
      pauseNotifications: () => {},
      resumeNotifications: () => {},
      setSharing: () => {},
      quit: () => {},
    },
    pollMs: 60_000,
    log: () => {},
  });
  const fake = FakeTray.created.at(-1)!;
  try {
    assert.equal(tray.state.level, 'unknown');
    await tray.refresh();
    assert.equal(tray.state.level, 'ok');
    assert.equal(fake.tooltip, 'Vigie: all clear');
    alerts = { status: 'success', data: { alerts: [{ state: 'firing', labels: { severity: 'critical' } }] } };
    await tray.refresh();
    assert.equal(tray.state.level, 'critical');
    assert.equal(fake.tooltip, 'Vigie: critical alerts firing (1)');
    const icon = fake.images.at(-1) as { bitmap: Buffer; size: number };
    const mid = (icon.size * (icon.size / 2) + icon.size / 2) * 4;
    assert.deepEqual([...icon.bitmap.subarray(mid, mid + 4)], [0x2f, 0x2f, 0xd3, 255]); // red, BGRA
    status = 500;
    await tray.refresh();
    assert.equal(tray.state.level, 'unknown');
    fake.emit('click');
    assert.deepEqual(opened, ['open']);
    const menu = fake.menu as MenuItemConstructorOptions[];
    assert.ok(menu.some((i) => i.label === 'Quit Vigie'));
  } finally {
    tray.stop();
  }
  assert.equal(fake.destroyed, true);
});
