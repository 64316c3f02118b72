// The two-way bot against the Bot API stand-in: inline buttons under alert messages (Ack, Silence 1h,
// Graph) and /graph, answered with a real PNG chart drawn by Chart.js on @napi-rs/canvas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadImage, createCanvas } from '@napi-rs/canvas';
import { parseConfig } from '../../src-main/config/load';
import { createNotifier } from '../../src-main/notify/service';
import { createEngine } from '../../src-main/promql/engine';
import { MemoryStorage } from '../../src-main/storage/memory/memory-storage';
import { MemoryDocumentStore } from '../../src-main/state/api';
import { startBotApiStandIn, type BotApiStandIn } from '../fixtures/telegram/bot-api-stand-in';

const TOKEN = '123456:TEST';
const CHAT = 42;
const USER = 7;

/** storageWithLoad holds an hour of node_load1 for two hosts, every 15 s, so charts have data. */
async function storageWithLoad(now: number): Promise<MemoryStorage> {
  const st = new MemoryStorage();
  const app = st.appender();
  for (const [i, instance] of ['web-1', 'web-2'].entries())
    for (let t = now - 3_600_000; t <= now; t += 15_000)
      app.append(0, { __name__: 'node_load1', instance }, t, 1 + i + Math.sin(t / 300_000));
  await app.commit();
  return st;
}

async function start(t: { after(f: () => Promise<void>): void }) {
  const api = await startBotApiStandIn({ token: TOKEN });
  const now = Date.now();
  const engine = createEngine((await storageWithLoad(now)).querier());
  const cfg = parseConfig(
    `alerting:
  route: { receiver: tg, group_by: [alertname], group_wait: 0s }
  receivers:
    - name: tg
      telegram_configs: [{ bot_token: "${TOKEN}", chat_id: ${CHAT}, api_url: "${api.url}", allowed_user_ids: [${USER}] }]
`,
    'vigie.yml',
  );
  const n = await createNotifier({
    config: cfg.alerting,
    store: new MemoryDocumentStore(),
    engine,
    botPollTimeoutS: 1,
    log: () => {},
  });
  t.after(async () => {
    await n.stop();
    await api.close();
  });
  return { api, n };
}

/** pngFacts decodes a PNG and reports its signature, size and how many distinct colours it uses. */
async function pngFacts(
  png: Buffer,
): Promise<{ signature: boolean; width: number; height: number; colours: number }> {
  const signature = png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const img = await loadImage(png);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  const colours = new Set<number>();
  for (let i = 0; i < data.length; i += 4 * 7)
    colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
  return { signature, width: img.width, height: img.height, colours: colours.size };
}

let nextUpdate = 1000;
function press(
  api: BotApiStandIn,
  data: string,
  messageId: number,
  markup: unknown,
  chat = CHAT,
  user = USER,
): string {
  const id = `cb${nextUpdate++}`;
  api.pushUpdate({
    callback_query: {
      id,
      from: { id: user, is_bot: false, first_name: 'Ada' },
      chat_instance: 'x',
      data,
      message: { message_id: messageId, date: 0, chat: { id: chat, type: 'private' }, reply_markup: markup },
    },
  });
  return id;
}

function say(api: BotApiStandIn, text: string, chat = CHAT, user = USER): void {
  api.pushUpdate({
    message: {
      message_id: nextUpdate++,
      date: 0,
      chat: { id: chat, type: 'private' },
      from: { id: user, is_bot: false, first_name: 'Ada' },
      text,
    },
  });
}

test('/graph answers a PNG chart: real PNG, phone-sized, not blank; bad input is answered in text', async (t) => {
  const { api } = await start(t);
  say(api, '/graph node_load1 30m');
  await api.waitFor(() => api.photos().length === 1, 15_000);
  const [p] = api.photos();
  assert.equal(p!.chatId, String(CHAT));
  assert.equal(p!.caption, 'node_load1 — last 30m');
  const f = await pngFacts(p!.png);
  assert.ok(f.signature, 'PNG signature');
  assert.deepEqual([f.width, f.height], [1280, 720]);
  assert.ok(f.colours > 20, `a drawn chart has many colours (lines, text, antialiasing), got ${f.colours}`);
  const sent = api.calls.find((c) => c.method === 'sendPhoto')!;
  assert.ok(sent.photoBytes! > 10_000, 'uploaded as a multipart file');

  const before = api.messages().length;
  say(api, '/graph rate(node_load1[5m]');
  await api.waitFor(() => api.messages().length > before, 10_000);
  assert.match(api.messages()[before]!.text, /^Cannot graph rate\(node_load1\[5m\]: /);
  say(api, '/graph');
  await api.waitFor(() => api.messages().length > before + 1, 10_000);
  assert.match(api.messages()[before + 1]!.text, /^Usage: \/graph <expr> \[range\]/);
});

test('buttons under an alert: Ack, Silence 1h and Graph act, answer and relabel; strangers get nothing', async (t) => {
  const { api, n } = await start(t);
  const at = Date.now();
  n.receive([
    {
      labels: { alertname: 'HighLoad', instance: 'web-1', severity: 'warning' },
      annotations: { summary: 'load is high' },
      startsAt: at,
      endsAt: at + 3_600_000,
      generatorURL: `http://vigie/graph?g0.expr=${encodeURIComponent('node_load1 > 0.5')}&g0.tab=1`,
    },
  ]);
  await api.waitFor(() => api.messages().length === 1, 5000);
  const msg = api.calls.find((c) => c.method === 'sendMessage' && c.answered)!;
  const markup = JSON.parse(msg.params.reply_markup!) as {
    inline_keyboard: { text: string; callback_data: string }[][];
  };
  const buttons = markup.inline_keyboard[0]!;
  assert.deepEqual(
    buttons.map((b) => b.text),
    ['👍 Ack', '🔕 Silence 1h', '📈 Graph'],
  );
  for (const b of buttons) assert.ok(Buffer.byteLength(b.callback_data) <= 64);
  const fp = n.alerts()[0]!.fingerprint;
  assert.equal(buttons[0]!.callback_data, `ack:a${fp}`);
  const messageId = 1;

  // A stranger (another chat), and an unlisted user in the right chat: no answer, nothing done.
  const callsBefore = api.calls.filter((c) => c.method !== 'getUpdates').length;
  press(api, buttons[0]!.callback_data, messageId, markup, 99, 99);
  press(api, buttons[1]!.callback_data, messageId, markup, CHAT, 8);

  const ackId = press(api, buttons[0]!.callback_data, messageId, markup);
  await api.waitFor(() => api.calls.some((c) => c.method === 'editMessageReplyMarkup'), 5000);
  assert.equal(
    api.calls.filter((c) => c.method !== 'getUpdates').length,
    callsBefore + 2,
    'only the allowed press was answered (answer + edit)',
  );
  const ackAnswer = api.calls.find((c) => c.params.callback_query_id === ackId)!;
  assert.equal(ackAnswer.params.text, '👍 Acknowledged the alert');
  assert.equal(n.alerts()[0]!.acked, true);
  assert.equal(n.alerts()[0]!.state, 'active', 'the strangers did not silence it');
  const edit = api.calls.find((c) => c.method === 'editMessageReplyMarkup')!;
  assert.equal(edit.params.message_id, String(messageId));
  const edited = JSON.parse(edit.params.reply_markup!) as typeof markup;
  assert.deepEqual(
    edited.inline_keyboard[0]!.map((b) => b.text),
    ['👍 Acked by Ada', '🔕 Silence 1h', '📈 Graph'],
  );

  const silId = press(api, buttons[1]!.callback_data, messageId, edited);
  await api.waitFor(() => api.calls.some((c) => c.params.callback_query_id === silId), 5000);
  assert.match(
    api.calls.find((c) => c.params.callback_query_id === silId)!.params.text!,
    /^🔕 Silenced the alert for 1h/,
  );
  const [s] = n.silences();
  assert.deepEqual(s!.matchers, ['alertname="HighLoad"', 'instance="web-1"', 'severity="warning"']);
  assert.ok(Math.abs(s!.endsAt - s!.startsAt - 3_600_000) < 1000);
  assert.equal(n.alerts()[0]!.state, 'suppressed');

  press(api, buttons[2]!.callback_data, messageId, edited);
  await api.waitFor(() => api.photos().length === 1, 15_000);
  assert.equal(api.photos()[0]!.caption, 'node_load1 > 0.5 — last 1h');
  assert.ok((await pngFacts(api.photos()[0]!.png)).signature);
});

test('buttons under a group message act on the whole group: Ack acks each alert, Silence uses common labels', async (t) => {
  const { api, n } = await start(t);
  const at = Date.now();
  n.receive(
    ['web-1', 'web-2', 'web-3'].map((instance) => ({
      labels: { alertname: 'DiskFull', instance, severity: 'critical' },
      annotations: { summary: `${instance} disk is full` },
      startsAt: at,
      endsAt: at + 3_600_000,
      generatorURL: '',
    })),
  );
  await api.waitFor(() => api.messages().length === 1, 5000);
  const msg = api.calls.find((c) => c.method === 'sendMessage' && c.answered)!;
  const markup = JSON.parse(msg.params.reply_markup!) as {
    inline_keyboard: { text: string; callback_data: string }[][];
  };
  const [ack, sil, graph] = markup.inline_keyboard[0]!;
  assert.match(ack!.callback_data, /^ack:g[0-9a-f]{16}$/);
  const ackId = press(api, ack!.callback_data, 1, markup);
  await api.waitFor(() => api.calls.some((c) => c.params.callback_query_id === ackId), 5000);
  assert.equal(
    api.calls.find((c) => c.params.callback_query_id === ackId)!.params.text,
    '👍 Acknowledged 3 alerts',
  );
  assert.deepEqual(
    n.alerts().map((a) => a.acked),
    [true, true, true],
  );
  const silId = press(api, sil!.callback_data, 1, markup);
  await api.waitFor(() => api.calls.some((c) => c.params.callback_query_id === silId), 5000);
  assert.deepEqual(n.silences()[0]!.matchers, ['alertname="DiskFull"', 'severity="critical"']);
  // Without a rule expression in generatorURL, Graph draws the alert's ALERTS series.
  press(api, graph!.callback_data, 1, markup);
  await api.waitFor(() => api.photos().length === 1, 15_000);
  assert.equal(api.photos()[0]!.caption, 'ALERTS{alertname="DiskFull"} — last 1h');
  // Once resolved, the buttons say so instead of acting.
  n.receive(n.alerts().map((a) => ({ ...a, endsAt: Date.now() - 1 })));
  await n.flushAll();
  const lateId = press(api, ack!.callback_data, 1, markup);
  await api.waitFor(() => api.calls.some((c) => c.params.callback_query_id === lateId), 5000);
  assert.equal(
    api.calls.find((c) => c.params.callback_query_id === lateId)!.params.text,
    'These alerts are no longer firing.',
  );
});
