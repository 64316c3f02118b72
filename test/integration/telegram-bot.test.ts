// The command bot by long polling against the Bot API stand-in: allow-listed chats are answered, others
// get nothing; /alerts, /ack, /silence and /unsilence act on the router.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src-main/config/load';
import { createNotifier } from '../../src-main/notify/service';
import { startBotApiStandIn } from '../fixtures/telegram/bot-api-stand-in';

const TOKEN = '123456:TEST';

test('bot commands from the allow-listed chat act on alerts; strangers get nothing', async (t) => {
  const api = await startBotApiStandIn({ token: TOKEN });
  const dir = await mkdtemp(join(tmpdir(), 'vigie-bot-'));

  const cfg = parseConfig(
    `alerting:
  route: { receiver: tg, group_by: [alertname], group_wait: 0s }
  receivers:
    - name: tg
      telegram_configs: [{ bot_token: "${TOKEN}", chat_id: 42, api_url: "${api.url}", allowed_user_ids: [7] }]
`,
    'vigie.yml',
  );
  const n = await createNotifier({ config: cfg.alerting, dir, botPollTimeoutS: 1, log: () => {} });
  t.after(async () => {
    await n.stop();
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });
  n.receive([
    {
      labels: { alertname: 'HostDown', instance: 'web-1', severity: 'critical' },
      annotations: { summary: 'web-1 is down' },
      startsAt: Date.now(),
      endsAt: Date.now() + 3_600_000,
      generatorURL: '',
    },
  ]);
  await api.waitFor(() => api.messages().length === 1, 5000);
  const id = n.alerts()[0]!.fingerprint.slice(0, 8);
  const say = async (text: string, chat = 42, user = 7): Promise<string> => {
    const before = api.messages().length;
    api.pushUpdate({
      message: {
        message_id: 1,
        date: 0,
        chat: { id: chat, type: 'private' },
        from: { id: user, is_bot: false, first_name: 'U' },
        text,
      },
    });
    await api.waitFor(() => api.messages().length > before, 5000);
    return api.messages()[before]!.text;
  };
  assert.match(await say('/status'), /1 alerts firing/);
  assert.match(await say('/alerts'), new RegExp(`HostDown web-1 — web-1 is down \\[${id}\\]`));
  assert.match(await say(`/ack ${id}`), /Acknowledged HostDown web-1/);
  assert.equal(n.alerts()[0]!.acked, true);
  const silenced = await say('/silence instance="web-1" 2h');
  assert.match(silenced, /Silenced instance="web-1" for 2h/);
  assert.equal(n.alerts()[0]!.state, 'suppressed');
  const sid = /id ([0-9a-f]{8})/.exec(silenced)![1]!;
  assert.match(await say(`/unsilence ${sid}`), /ended/);
  assert.equal(n.alerts()[0]!.state, 'active');

  // A stranger chat, and an unlisted user in the right chat, get no answer.
  const sent = api.messages().length;
  api.pushUpdate({
    message: {
      message_id: 2,
      date: 0,
      chat: { id: 99, type: 'private' },
      from: { id: 99, is_bot: false, first_name: 'X' },
      text: '/status',
    },
  });
  api.pushUpdate({
    message: {
      message_id: 3,
      date: 0,
      chat: { id: 42, type: 'private' },
      from: { id: 8, is_bot: false, first_name: 'Y' },
      text: '/ack x',
    },
  });
  // The allowed user's next command is answered: by then the strangers' updates were consumed.
  assert.match(await say('/help'), /Vigie bot commands/);
  assert.equal(api.messages().length, sent + 1, 'only the allowed user was answered');
});
