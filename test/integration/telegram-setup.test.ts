// The Telegram setup helper (check token, find chat id, test message) against the Bot API stand-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { telegramSetup } from '../../src-main/notify/channels/telegram-setup';
import { addAlertRoutes } from '../../src-main/web/routes-alerts';
import { startBotApiStandIn } from '../fixtures/telegram/bot-api-stand-in';

test('setup helper: getMe, chat id from the first message, test message, clear errors', async (t) => {
  const api = await startBotApiStandIn({ token: '1:GOOD', botName: 'lab_bot' });
  t.after(() => api.close());
  const app = new Hono();
  addAlertRoutes(app, { rules: { groups: () => [], alerts: () => [] }, telegram: telegramSetup });
  const post = async (path: string, body: unknown) => {
    const res = await app.fetch(
      new Request(`http://x/api/vigie/telegram/${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }),
    );
    return { status: res.status, body: (await res.json()) as { data?: unknown; error?: string } };
  };
  const good = { token: '1:GOOD', api_url: api.url };
  assert.deepEqual((await post('check', good)).body.data, { id: 123456, username: 'lab_bot' });
  const bad = await post('check', { token: '1:BAD', api_url: api.url });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error!, /Telegram refused the token/);
  assert.equal((await post('find-chat', good)).body.data, null, 'no message yet');
  api.pushUpdate({
    message: {
      message_id: 1,
      date: 0,
      chat: { id: 4242, type: 'private', first_name: 'Ada' },
      from: { id: 7, is_bot: false, first_name: 'Ada' },
      text: 'hi',
    },
  });
  assert.deepEqual((await post('find-chat', good)).body.data, { chatId: 4242, title: 'Ada', fromUserId: 7 });
  assert.deepEqual((await post('test', { ...good, chat_id: 4242 })).body.data, { sent: true });
  assert.equal(api.messages()[0]!.chatId, '4242');
});
