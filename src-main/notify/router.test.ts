import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertingConfig, ReceiverConfig, RouteConfig } from '../config/api';
import { MemoryDocumentStore } from '../state/api';
import type { PostableAlert } from './api';
import { DocumentSlot } from './document-slot';
import type { Notification } from './payload';
import { createRouter, type NotifyState } from './router';

const HOUR = 3_600_000;

function receiver(name: string): ReceiverConfig {
  return {
    name,
    telegram_configs: [],
    webhook_configs: [
      { send_resolved: true, url: `http://127.0.0.1:1/${name}`, max_alerts: 0, timeout: 1000 },
    ],
    desktop_configs: [],
  };
}

/** config routes everything to `a`, and critical alerts to `b` when withChild is set. */
function config(withChild: boolean, matcher = 'severity="critical"'): AlertingConfig {
  // Long waits keep the timers out of the test: it flushes by hand.
  const route: RouteConfig = {
    receiver: 'a',
    group_by: ['alertname'],
    group_wait: HOUR,
    group_interval: HOUR,
    repeat_interval: 4 * HOUR,
    matchers: [],
    continue: false,
    routes: withChild ? [{ receiver: 'b', matchers: [matcher], continue: false, routes: [] }] : [],
  };
  return {
    resolve_timeout: 5 * 60_000,
    route,
    receivers: [receiver('a'), receiver('b')],
    inhibit_rules: [],
    outbox_max_attempts: 0,
  };
}

function alert(name: string, severity = 'critical'): PostableAlert {
  const now = Date.now();
  return {
    labels: { alertname: name, severity },
    annotations: {},
    startsAt: now,
    endsAt: now + HOUR,
    generatorURL: '',
  };
}

async function setup() {
  const sent: { channel: string; n: Notification }[] = [];
  const router = await createRouter({
    config: config(false),
    outbox: { enqueue: async (channel, n) => void sent.push({ channel, n }) },
    state: new DocumentSlot<NotifyState>(new MemoryDocumentStore(), 'notify', 'state'),
    log: () => {},
  });
  const names = () =>
    sent.map((s) => `${s.channel} ${s.n.alerts.map((a) => a.alert.labels.alertname).join(',')}`);
  return { router, sent, names };
}

test('reload re-routes open groups, keeps silences and acks, and does not notify twice', async (t) => {
  const { router, names } = await setup();
  t.after(() => router.stop());
  router.receive([alert('HostDown'), alert('DiskFull', 'warning')]);
  await router.flushAll();
  assert.deepEqual(names().sort(), ['a/webhook/0 DiskFull', 'a/webhook/0 HostDown']);
  const silence = await router.addSilence({
    matchers: ['alertname="Other"'],
    startsAt: Date.now(),
    endsAt: Date.now() + HOUR,
    createdBy: 't',
    comment: '',
  });
  assert.ok(await router.ack(router.alerts().find((a) => a.labels.alertname === 'HostDown')!.fingerprint));

  // The same configuration again: the groups form again and the notification log holds them back.
  router.reload(config(false));
  await router.flushAll();
  assert.equal(names().length, 2);

  // A new child route takes the critical alert: its receiver is told, the old one is not told again.
  router.reload(config(true));
  await router.flushAll();
  assert.deepEqual(names().slice(2), ['b/webhook/0 HostDown']);
  const hostDown = router.alerts().find((a) => a.labels.alertname === 'HostDown')!;
  assert.deepEqual(hostDown.receivers, ['b']);
  assert.equal(hostDown.acked, true, 'acks survive a reload');
  assert.deepEqual(
    router.silences().map((s) => s.id),
    [silence.id],
  );

  // A bad route tree is refused and the running one stays.
  assert.throws(() => router.reload(config(true, 'severity')));
  assert.deepEqual(router.alerts().find((a) => a.labels.alertname === 'HostDown')!.receivers, ['b']);
});

test('a resolution not yet notified before a reload is notified after it', async (t) => {
  const { router, names, sent } = await setup();
  t.after(() => router.stop());
  const a = alert('HostDown');
  router.receive([a]);
  await router.flushAll();
  router.receive([{ ...a, endsAt: Date.now() - 1 }]);
  router.reload(config(false));
  await router.flushAll();
  assert.deepEqual(names(), ['a/webhook/0 HostDown', 'a/webhook/0 HostDown']);
  assert.deepEqual(
    sent.map((x) => x.n.status),
    ['firing', 'resolved'],
  );
  // Notified once: a later flush sends nothing more.
  await router.flushAll();
  assert.equal(sent.length, 2);
});
