import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryDocumentStore } from '../state/api';
import { ROUTER_STATE, migrateNotifyFiles } from './migrate-files';
import { OUTBOX_KIND, type OutboxItem } from './outbox';

function item(id: string, createdAt: number): OutboxItem {
  return {
    id,
    channel: 'tg/telegram/0',
    notification: {
      receiver: 'tg',
      groupKey: 'k',
      status: 'firing',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: '',
      alerts: [],
      truncatedAlerts: 0,
    },
    attempts: 0,
    nextAttemptAt: createdAt,
    createdAt,
  };
}

test('migrateNotifyFiles moves the outbox journal and the router state into the store, once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-notify-migrate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const journal = [
    { op: 'add', item: item('a', 1) },
    { op: 'add', item: item('b', 2) },
    { op: 'add', item: item('c', 3) },
    { op: 'done', id: 'a' },
    { op: 'retry', id: 'b', attempts: 2, nextAttemptAt: 99, error: '502' },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n');
  writeFileSync(join(dir, 'outbox.jsonl'), journal + '\n{"op":"add","ite'); // torn last line
  const state = { version: 1, nflog: {}, silences: [{ id: 's1', matchers: ['a="b"'] }], acks: ['f1'] };
  writeFileSync(join(dir, 'notify-state.json'), JSON.stringify(state));
  const store = new MemoryDocumentStore();
  const logs: string[] = [];
  await migrateNotifyFiles(dir, store, (_, m) => logs.push(m));
  const items = (await store.list(OUTBOX_KIND)).map((d) => d.doc as OutboxItem);
  assert.deepEqual(
    items.map((i) => [i.id, i.attempts, i.nextAttemptAt]),
    [
      ['b', 2, 99],
      ['c', 0, 3],
    ],
  );
  assert.deepEqual((await store.get(ROUTER_STATE.kind, ROUTER_STATE.id))?.doc, state);
  assert.ok(
    existsSync(join(dir, 'outbox.jsonl.migrated')) && existsSync(join(dir, 'notify-state.json.migrated')),
  );
  assert.ok(!existsSync(join(dir, 'outbox.jsonl')) && !existsSync(join(dir, 'notify-state.json')));
  assert.match(logs.join('\n'), /2 pending notifications moved into the database/);
  await migrateNotifyFiles(dir, store, () => assert.fail('nothing left to migrate'));
});
