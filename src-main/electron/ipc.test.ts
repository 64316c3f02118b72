import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IpcMainInvokeEvent } from 'electron';
import { IPC_CHANNELS, isTrustedSender, registerDesktopIpc, type DesktopHandlers } from './ipc';
import { createDesktopApi } from './preload-api';

test('only the app’s own top frame may call IPC', () => {
  assert.equal(isTrustedSender({ url: 'app://vigie/settings', parent: null }), true);
  assert.equal(isTrustedSender({ url: 'app://vigie/settings', parent: {} }), false);
  assert.equal(isTrustedSender({ url: 'https://evil.example/', parent: null }), false);
  assert.equal(isTrustedSender(null), false);
});

/** wire connects the preload's API to the main-process handlers through a fake ipcMain, as Electron does. */
function wire(frameUrl: string, parent: unknown = null) {
  const handlers = new Map<string, (e: IpcMainInvokeEvent, ...a: unknown[]) => unknown>();
  const calls: string[] = [];
  const h: DesktopHandlers = {
    notificationPermission: () => 'granted',
    setKiosk: async (on) => (calls.push(`kiosk:${on}`), on),
    openDataFolder: async () => void calls.push('open'),
    appVersion: () => '1.2.3',
  };
  const logged: string[] = [];
  const remove = registerDesktopIpc(
    { handle: (c, l) => handlers.set(c, l), removeHandler: (c) => handlers.delete(c) },
    h,
    (m) => logged.push(m),
  );
  const event = { senderFrame: { url: frameUrl, parent } } as unknown as IpcMainInvokeEvent;
  const api = createDesktopApi(async (channel, ...args) => {
    const handler = handlers.get(channel);
    if (handler === undefined) throw new Error(`no handler for ${channel}`);
    return handler(event, ...args);
  });
  return { api, calls, handlers, remove, logged };
}

test('the preload API round-trips through the checked handlers', async () => {
  const { api, calls, handlers, remove } = wire('app://vigie/');
  assert.equal(await api.notificationPermission(), 'granted');
  assert.equal(await api.appVersion(), '1.2.3');
  assert.equal(await api.setKiosk(true), true);
  await api.openDataFolder();
  assert.deepEqual(calls, ['kiosk:true', 'open']);
  assert.deepEqual([...handlers.keys()].sort(), Object.values(IPC_CHANNELS).sort());
  remove();
  assert.equal(handlers.size, 0);
});

test('IPC from another origin or a sub-frame is refused before acting', async () => {
  for (const [url, parent] of [
    ['https://evil.example/', null],
    ['app://vigie/', {}],
  ] as const) {
    const { api, calls, logged } = wire(url, parent);
    await assert.rejects(api.setKiosk(true), /sender not allowed/);
    await assert.rejects(api.openDataFolder(), /sender not allowed/);
    assert.deepEqual(calls, []);
    assert.ok(logged.length >= 2);
  }
});

test('arguments are type-checked on both sides', async () => {
  const { api, handlers } = wire('app://vigie/');
  await assert.rejects(api.setKiosk('yes' as unknown as boolean), /expects a boolean/);
  const event = { senderFrame: { url: 'app://vigie/', parent: null } } as unknown as IpcMainInvokeEvent;
  assert.throws(() => handlers.get(IPC_CHANNELS.setKiosk)!(event, 'yes'), /expected a boolean, got string/);
});

test('the preload object is frozen and exposes only its four calls', () => {
  const api = createDesktopApi(async () => undefined);
  assert.equal(Object.isFrozen(api), true);
  assert.deepEqual(Object.keys(api).sort(), [
    'appVersion',
    'notificationPermission',
    'openDataFolder',
    'setKiosk',
  ]);
});
