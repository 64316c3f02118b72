// Telegram delivery through the router and the durable outbox, against the local Bot API stand-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src-main/config/load';
import { createNotifier } from '../../src-main/notify/service';
import type { PostableAlert } from '../../src-main/notify/api';
import { OUTBOX_KIND, type OutboxItem } from '../../src-main/notify/outbox';
import { openDuckDBStorage } from '../../src-main/storage/duckdb/index';
import { startBotApiStandIn, type BotApiStandIn } from '../fixtures/telegram/bot-api-stand-in';

const TOKEN = '123456:TEST';

function configFor(api: BotApiStandIn, chatId = 42) {
  return parseConfig(
    `alerting:
  route:
    receiver: tg
    group_by: [alertname]
    group_wait: 0s
    group_interval: 200ms
    repeat_interval: 1h
  receivers:
    - name: tg
      telegram_configs:
        - bot_token: "${TOKEN}"
          chat_id: ${chatId}
          api_url: ${api.url}
`,
    'vigie.yml',
  ).alerting;
}

async function fixture(t: { after(f: () => Promise<void>): void }) {
  const api = await startBotApiStandIn({ token: TOKEN });
  const dir = await mkdtemp(join(tmpdir(), 'vigie-tg-'));
  // The outbox lives in the appliance's database, as in production.
  let storage = await openDuckDBStorage({ dir, flushIntervalMs: 3_600_000 });
  const opened: { stop(): Promise<void> }[] = [];
  t.after(async () => {
    // Notifiers first (they write to the database and call the stand-in), then the rest.
    for (const n of opened) await n.stop();
    await storage.close();
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });
  const open = async (chatId = 42) => {
    const n = await createNotifier({
      config: configFor(api, chatId),
      store: storage.documents(),
      baseBackoffMs: 50,
      maxBackoffMs: 200,
      telegramTimeoutMs: 2000,
      bots: false,
      log: () => {},
    });
    opened.push(n);
    return n;
  };
  /** restart closes the database (as a stopped process does) and opens it again. */
  const restart = async () => {
    await storage.close();
    storage = await openDuckDBStorage({ dir, flushIntervalMs: 3_600_000 });
  };
  const pending = async () => (await storage.documents().list(OUTBOX_KIND)).map((d) => d.doc as OutboxItem);
  return { api, dir, open, restart, pending };
}

/** until polls an asynchronous condition (a database read) until it holds, failing after timeoutMs. */
async function until(pred: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function alert(name: string, instance: string, extra: Record<string, string> = {}): PostableAlert {
  return {
    labels: { alertname: name, instance, severity: 'critical', ...extra },
    annotations: { summary: `${instance} is down` },
    startsAt: Date.now(),
    endsAt: Date.now() + 3_600_000,
    generatorURL: '',
  };
}

test('a firing alert reaches the chat once, through 429 retry_after, 5xx, a timeout and a reset', async (t) => {
  const { api, open } = await fixture(t);
  api.fail(
    'sendMessage',
    { kind: 'status', code: 429, retryAfter: 1 },
    { kind: 'status', code: 502 },
    { kind: 'timeout' },
    { kind: 'reset' },
  );
  const n = await open();
  n.receive([alert('HostDown', 'web-1')]);
  await api.waitFor(() => api.messages().length === 1);
  const sends = api.calls.filter((c) => c.method === 'sendMessage');
  assert.equal(sends.length, 5, 'four failures then one success');
  assert.ok(sends[1]!.at - sends[0]!.at >= 1000, 'retry_after (1 s) was waited out');
  const [msg] = api.messages();
  assert.equal(msg!.chatId, '42');
  assert.match(msg!.text, /🔴 <b>HostDown<\/b> — 1 firing/);
  assert.match(msg!.text, /<code>web-1<\/code> web-1 is down/);
  assert.deepEqual(
    n.alerts().map((a) => a.state),
    ['active'],
  );
});

test('403 marks the chat stopped: no endless retries', async (t) => {
  const { api, open } = await fixture(t);
  api.fail('sendMessage', { kind: 'status', code: 403 });
  const n = await open();
  n.receive([alert('HostDown', 'web-1')]);
  await api.waitFor(() => api.calls.length === 1);
  n.receive([alert('DiskFull', 'web-2')]);
  await n.flushAll();
  // Give the outbox a chance to (wrongly) retry: several backoff periods.
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(
    api.calls.filter((c) => c.method === 'sendMessage').length,
    1,
    'only the first attempt reached Telegram',
  );
});

test('the outbox survives a restart (database closed and reopened) and nothing is notified twice', async (t) => {
  const { api, open, restart, pending } = await fixture(t);
  api.fail('sendMessage', ...Array.from({ length: 3 }, () => ({ kind: 'status' as const, code: 500 })));
  const n1 = await open();
  const a = alert('HostDown', 'web-1');
  n1.receive([a]);
  await api.waitFor(() => api.calls.length >= 2);
  await n1.stop();
  // The undelivered notification is a row of the database, with its failures counted.
  const stored = await pending();
  assert.equal(stored.length, 1);
  assert.ok(stored[0]!.attempts >= 2 && /500/.test(stored[0]!.lastError ?? ''));
  await restart();
  const before = api.calls.length;
  const n2 = await open();
  await api.waitFor(() => api.messages().length === 1);
  assert.ok(api.calls.length > before, 'the pending notification was retried by the new process');
  await until(async () => (await pending()).length === 0, 'the delivered notification is removed');
  // The rules stage re-sends the still-firing alert after the restart: no second message.
  n2.receive([a]);
  await n2.flushAll();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(api.messages().length, 1);
  // Its resolution is notified.
  n2.receive([{ ...a, endsAt: Date.now() - 1 }]);
  await api.waitFor(() => api.messages().length === 2);
  assert.match(api.messages()[1]!.text, /^✅ <b>HostDown<\/b> — resolved/);
});

test('a retry_after backoff survives a restart: the new process waits it out too', async (t) => {
  const { api, open, restart, pending } = await fixture(t);
  api.fail('sendMessage', { kind: 'status', code: 429, retryAfter: 2 });
  const n1 = await open();
  n1.receive([alert('HostDown', 'web-1')]);
  await api.waitFor(() => api.calls.length === 1);
  const failedAt = api.calls[0]!.at;
  await api.waitFor(() => false, 200).catch(() => undefined);
  await n1.stop();
  const [item] = await pending();
  assert.ok(item!.nextAttemptAt >= failedAt + 1900, 'the retry time was stored');
  await restart();
  await open();
  await api.waitFor(() => api.messages().length === 1, 5000);
  assert.ok(api.messages()[0]!.at - failedAt >= 1900, 'retry_after was honoured across the restart');
});

test('a 500-alert storm arrives grouped, each message within 4096 characters, paced per chat', async (t) => {
  const { api, open } = await fixture(t);
  const n = await open();
  const storm = Array.from({ length: 500 }, (_, i) =>
    alert('HostDown', `host-${String(i).padStart(3, '0')}.lab.example`),
  );
  n.receive(storm);
  await api.waitFor(
    () =>
      api.messages().join('').length > 0 &&
      api.messages().reduce((k, m) => k + (m.text.match(/is down/g)?.length ?? 0), 0) === 500,
    30_000,
  );
  const msgs = api.messages();
  assert.ok(msgs.length > 1 && msgs.length < 30, `grouped into a few messages, got ${msgs.length}`);
  for (const m of msgs) assert.ok(m.text.length <= 4096);
  for (let i = 1; i < msgs.length; i++)
    assert.ok(msgs[i]!.at - msgs[i - 1]!.at >= 950, 'about 1 message/s to one chat');
});
