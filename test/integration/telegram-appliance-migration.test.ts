// An appliance started on a data folder of an earlier version: its JSON files (a pending notification in
// notify/outbox.jsonl, a dashboard in state/documents.json) move into the database once, the notification is
// delivered, and a restart neither loses the dashboard nor sends the notification twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppliance } from '../../src-main/appliance';
import { parseConfig } from '../../src-main/config/load';
import { OUTBOX_KIND, type OutboxItem } from '../../src-main/notify/outbox';
import { startBotApiStandIn } from '../fixtures/telegram/bot-api-stand-in';

test('JSON files of an earlier version are imported into the database once; nothing is lost or re-sent', async (t) => {
  const api = await startBotApiStandIn();
  const dir = mkdtempSync(join(tmpdir(), 'vigie-migration-'));
  t.after(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });
  mkdirSync(join(dir, 'notify'));
  mkdirSync(join(dir, 'state'));
  const item: OutboxItem = {
    id: 'old-1',
    channel: 'tg/telegram/0',
    notification: {
      receiver: 'tg',
      groupKey: '{}:{alertname="OldAlert"}',
      status: 'firing',
      groupLabels: { alertname: 'OldAlert' },
      commonLabels: { alertname: 'OldAlert' },
      commonAnnotations: {},
      externalURL: '',
      truncatedAlerts: 0,
      alerts: [
        {
          status: 'firing',
          alert: {
            labels: { alertname: 'OldAlert', instance: 'web-9' },
            annotations: { summary: 'queued before the upgrade' },
            startsAt: Date.now() - 60_000,
            endsAt: Date.now() + 3_600_000,
            generatorURL: '',
            fingerprint: '00000000000000aa',
          },
        },
      ],
    },
    attempts: 2,
    nextAttemptAt: 0,
    createdAt: Date.now() - 30_000,
  };
  writeFileSync(join(dir, 'notify', 'outbox.jsonl'), JSON.stringify({ op: 'add', item }) + '\n');
  const dashboard = { id: 'lab', updated: 1234, doc: { title: 'Lab', panels: [] } };
  writeFileSync(join(dir, 'state', 'documents.json'), JSON.stringify({ dashboards: { lab: dashboard } }));

  const config = parseConfig(
    `discovery: { mdns: { enabled: false } }
alerting:
  route: { receiver: tg }
  receivers:
    - name: tg
      telegram_configs: [{ bot_token: "123456:TEST", chat_id: 42, api_url: "${api.url}" }]
`,
    'vigie.yml',
  );
  const start = () => startAppliance({ config, dataDir: dir, localAgent: false, log: () => {} });
  const a1 = await start();
  await api.waitFor(() => api.messages().length === 1, 20_000);
  assert.match(api.messages()[0]!.text, /<code>web-9<\/code> queued before the upgrade/);
  assert.deepEqual(await a1.storage.documents!().get('dashboards', 'lab'), dashboard);
  for (const f of ['notify/outbox.jsonl', 'state/documents.json']) {
    assert.ok(!existsSync(join(dir, f)), `${f} moved away`);
    assert.ok(existsSync(join(dir, `${f}.migrated`)), `${f}.migrated kept for the user`);
  }
  await a1.stop();

  const a2 = await start();
  t.after(() => a2.stop());
  assert.deepEqual(await a2.storage.documents!().get('dashboards', 'lab'), dashboard);
  const res = await a2.fetch(new Request('http://x/api/vigie/dashboards'));
  assert.equal(res.status, 200);
  assert.match(await res.text(), /"Lab"/);
  // Nothing is left to send: the delivered notification was removed from the outbox before the stop.
  assert.deepEqual(await a2.storage.documents!().list(OUTBOX_KIND), []);
  assert.equal(api.messages().length, 1, 'not sent again');
});
