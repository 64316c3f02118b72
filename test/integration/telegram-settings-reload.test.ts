// The Telegram chat saved on the Settings page goes live without a restart: the settings route calls the
// appliance's hook, which reloads the notifier with the stored chat; the durable outbox keeps what was
// pending. Real pieces throughout: DuckDB documents, the notifier, the settings routes, the setup helper,
// and the Bot API stand-in on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { parseConfig } from '../../src-main/config/load';
import { createNotifier } from '../../src-main/notify/service';
import { telegramSetup } from '../../src-main/notify/channels/telegram-setup';
import type { PostableAlert } from '../../src-main/notify/api';
import { OUTBOX_KIND, type OutboxItem } from '../../src-main/notify/outbox';
import type { Secrets } from '../../src-main/secrets/api';
import { currentAlerting } from '../../src-main/settings-wiring';
import { openDuckDBStorage } from '../../src-main/storage/duckdb/index';
import type { WebDeps } from '../../src-main/web/api';
import { addSettingsRoutes } from '../../src-main/web/routes-settings';
import { startBotApiStandIn } from '../fixtures/telegram/bot-api-stand-in';

const TOKEN = '123456:SETTINGS';
const CHAT = 4242;

/** webhookSink answers 500 until accept() is called, then 200; it keeps the alert names it accepted. */
async function webhookSink() {
  let accepting = false;
  const accepted: string[][] = [];
  let attempts = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      attempts++;
      if (!accepting) return void res.writeHead(500).end();
      const p = JSON.parse(body) as { alerts: { labels: Record<string, string> }[] };
      accepted.push(p.alerts.map((a) => a.labels.alertname!));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    accepted,
    attempts: () => attempts,
    accept: () => void (accepting = true),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** until polls a condition until it holds, failing after timeoutMs. */
async function until(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function alert(name: string): PostableAlert {
  return {
    labels: { alertname: name, instance: 'web-1', severity: 'critical' },
    annotations: { summary: `${name} on web-1` },
    startsAt: Date.now(),
    endsAt: Date.now() + 3_600_000,
    generatorURL: '',
  };
}

test('a Telegram chat saved in Settings receives the next alert without a restart; pending items stay', async (t) => {
  const api = await startBotApiStandIn({ token: TOKEN });
  const hook = await webhookSink();
  const dir = await mkdtemp(join(tmpdir(), 'vigie-tg-reload-'));
  const storage = await openDuckDBStorage({ dir, flushIntervalMs: 3_600_000 });
  const documents = storage.documents();
  const raw = new Map<string, string>();
  const secrets: Secrets = {
    get: (n) => raw.get(n),
    set: (n, v) => void raw.set(n, v),
    delete: (n) => void raw.delete(n),
    names: () => [...raw.keys()],
  };
  const config = parseConfig(
    `alerting:
  route:
    receiver: default
    group_by: [alertname]
    group_wait: 0s
    group_interval: 200ms
    repeat_interval: 1h
  receivers:
    - name: default
      webhook_configs:
        - url: ${hook.url}
`,
    'vigie.yml',
  );
  const notifier = await createNotifier({
    config: await currentAlerting(config.alerting, documents, secrets),
    store: documents,
    baseBackoffMs: 50,
    maxBackoffMs: 200,
    telegramTimeoutMs: 2000,
    botPollTimeoutS: 1,
    log: () => {},
  });
  t.after(async () => {
    await notifier.stop();
    await storage.close();
    await api.close();
    await hook.close();
    await rm(dir, { recursive: true, force: true });
  });
  const app = new Hono();
  addSettingsRoutes(app, {
    documents,
    secrets,
    config: () => config,
    alerting: { rules: { groups: () => [], alerts: () => [] }, router: notifier, telegram: telegramSetup },
    // What appliance.ts wires: the stored settings over the config file, into the running notifier.
    onAlertingSettingsChanged: async () =>
      notifier.reload(await currentAlerting(config.alerting, documents, secrets)),
  } as unknown as WebDeps);
  const call = async (method: string, body?: unknown) => {
    const r = await app.fetch(
      new Request('http://localhost/api/vigie/settings/telegram', {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
    return { status: r.status, data: ((await r.json()) as { data: Record<string, unknown> }).data };
  };
  const pending = async () => (await documents.list(OUTBOX_KIND)).map((d) => d.doc as OutboxItem);
  const texts = () => api.messages().map((m) => `${m.chatId}: ${m.text}`);

  // Before Telegram is set up, an alert waits in the outbox for the failing webhook.
  notifier.receive([alert('Before')]);
  await until(() => hook.attempts() >= 2, 'the webhook was tried and failed');
  const [stuck] = await pending();
  assert.equal(stuck?.channel, 'default/webhook/0');

  const saved = await call('PUT', { token: TOKEN, chat_id: CHAT, api_url: api.url });
  assert.equal(saved.status, 200, JSON.stringify(saved.data));
  assert.equal(saved.data.live, true);
  // The pending item survived the reload, as it is: same row, its failures counted.
  const kept = (await pending()).find((p) => p.id === stuck!.id);
  assert.ok(kept !== undefined && kept.attempts >= 1, 'the pending webhook item is still stored');

  // The next alert reaches the chat saved a moment ago; the alert already firing is shown there too.
  notifier.receive([alert('After')]);
  await api.waitFor(() => texts().some((m) => m.startsWith(`${CHAT}: `) && m.includes('After')), 8000);
  await api.waitFor(() => texts().some((m) => m.includes('Before')), 8000);
  // The chat's command bot polls too: /status from the saved chat is answered.
  const before = api.messages().length;
  api.pushUpdate({
    message: {
      message_id: 1,
      date: 0,
      chat: { id: CHAT, type: 'private' },
      from: { id: 7, is_bot: false, first_name: 'U' },
      text: '/status',
    },
  });
  await api.waitFor(() => api.messages().length > before, 8000);
  assert.equal(api.messages()[before]!.chatId, String(CHAT));

  // The webhook comes back: the item pending since before the reload is delivered, once.
  hook.accept();
  await until(async () => (await pending()).length === 0, 'the outbox is empty');
  assert.equal(hook.accepted.flat().filter((n) => n === 'Before').length, 1);

  // Removing the chat takes effect at once too: the next alert goes to the webhook only.
  const removed = await call('DELETE');
  assert.equal(removed.data.live, true);
  notifier.receive([alert('Gone')]);
  await until(() => hook.accepted.flat().includes('Gone'), 'the webhook got the alert after removal');
  assert.ok(!(await pending()).some((p) => p.channel.includes('telegram')));
  assert.ok(!texts().some((m) => m.includes('Gone')), texts().join('\n'));
  assert.equal(hook.accepted.flat().filter((n) => n === 'Before').length, 1, 'no duplicate after reload');
});
