import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryDocumentStore } from '../state/api';
import { Outbox, OUTBOX_KIND } from './outbox';
import type { Notification } from './payload';

const notification: Notification = {
  receiver: 'lab',
  groupKey: '{}:{}',
  status: 'firing',
  groupLabels: {},
  commonLabels: { alertname: 'Down' },
  commonAnnotations: {},
  externalURL: '',
  alerts: [],
  truncatedAlerts: 0,
};

/** until polls the outbox's state (deliveries run on timers) for at most 5 s. */
async function until(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + 5000;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('Outbox keeps retrying a failing channel until delivered, and a reloaded max attempts drops it', async () => {
  const store = new MemoryDocumentStore();
  let attempts = 0;
  const logs: string[] = [];
  const outbox = new Outbox({
    store,
    deliver: async () => {
      attempts++;
      return { ok: false, error: 'connection refused' };
    },
    baseBackoffMs: 1,
    maxBackoffMs: 2,
    log: (_l, m) => logs.push(m),
  });
  await outbox.open();
  await outbox.enqueue('lab/telegram/0', notification);
  await until('several retries', () => attempts >= 5);
  assert.equal(outbox.pending().length, 1, 'with no limit (0) it is kept');
  assert.equal((await store.list(OUTBOX_KIND)).length, 1);

  outbox.setMaxAttempts(attempts + 1);
  await until('the item to be dropped', () => outbox.pending().length === 0);
  await until('its document to go', async () => (await store.list(OUTBOX_KIND)).length === 0);
  assert.ok(
    logs.some((l) =>
      /dropping notification for lab\/telegram\/0 after \d+ attempts: connection refused/.test(l),
    ),
  );
  await outbox.stop();
});
