import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeNotification } from './fake-electron';
import { createDesktopNotifier, NotificationPause, notificationOptions } from './notifications';

const n = (id: string, severity: 'critical' | 'warning' | 'info' = 'warning') => ({
  id,
  title: `Alert ${id}`,
  body: 'disk almost full',
  severity,
  url: `/alerts?group=${id}`,
});

test('severity maps onto urgency; critical notifications stay until dismissed', () => {
  assert.deepEqual(notificationOptions(n('a', 'critical')), {
    title: 'Alert a',
    body: 'disk almost full',
    urgency: 'critical',
    silent: false,
    timeoutType: 'never',
  });
  assert.equal(notificationOptions(n('b', 'warning')).urgency, 'normal');
  assert.equal(notificationOptions(n('c', 'info')).urgency, 'low');
  assert.equal(notificationOptions(n('c', 'info')).silent, true);
});

/** setup builds a notifier over fake native notifications. */
function setup(now: { t: number }) {
  FakeNotification.shown = [];
  const opened: string[] = [];
  const pause = new NotificationPause(() => now.t);
  const notifier = createDesktopNotifier({
    isSupported: () => FakeNotification.isSupported(),
    create: (o) => new FakeNotification(o as unknown as Record<string, unknown>),
    openAlert: (u) => opened.push(u),
    pause,
  });
  return { notifier, opened, pause };
}

test('clicking a notification opens its alert; a newer one for the same group replaces it', async () => {
  const { notifier, opened } = setup({ t: 0 });
  await notifier.notify(n('g1'));
  await notifier.notify(n('g2', 'critical'));
  await notifier.notify(n('g1'));
  const [first, second, third] = FakeNotification.shown;
  assert.equal(FakeNotification.shown.length, 3);
  assert.equal(first!.closed, true);
  assert.equal(second!.closed, false);
  third!.emit('click');
  second!.emit('click');
  assert.deepEqual(opened, ['/alerts?group=g1', '/alerts?group=g2']);
});

test('paused notifications are dropped until the pause ends', async () => {
  const now = { t: 1000 };
  const { notifier, pause } = setup(now);
  pause.pauseFor(3_600_000);
  await notifier.notify(n('a'));
  assert.equal(FakeNotification.shown.length, 0);
  assert.equal(pause.until, 3_601_000);
  now.t += 3_600_000;
  assert.equal(pause.until, undefined);
  await notifier.notify(n('a'));
  assert.equal(FakeNotification.shown.length, 1);
});

test('without an OS notification service nothing is shown and nothing throws', async () => {
  const { notifier } = setup({ t: 0 });
  FakeNotification.supported = false;
  try {
    await notifier.notify(n('a'));
    assert.equal(FakeNotification.shown.length, 0);
  } finally {
    FakeNotification.supported = true;
  }
});
