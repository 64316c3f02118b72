import { Api, TelegramApiError } from 'node-telegram-bot-api';
import type { TelegramSetup, TelegramTarget } from '../api';

function api(t: TelegramTarget): Api {
  return new Api(t.token, {
    apiRoot: t.apiUrl ?? 'https://api.telegram.org',
    maxRetries: 0,
    timeoutMs: 15_000,
  });
}

/** explain turns a Bot API failure into a sentence for the setup form. */
function explain(e: unknown): Error {
  if (e instanceof TelegramApiError) {
    if (e.errorCode === 401 || e.errorCode === 404)
      return new Error('Telegram refused the token: check it with @BotFather');
    return new Error(`Telegram answered ${e.errorCode}: ${e.description}`);
  }
  return new Error(`cannot reach Telegram: ${e instanceof Error ? e.message : String(e)}`);
}

/**
 * telegramSetup is the setup helper: `getMe` proves the token, `findChat` finds the chat id from the first
 * message the user sent the bot (no id hunting), `sendTest` shows the chat receives Vigie's messages.
 */
export const telegramSetup: TelegramSetup = {
  async getMe(t) {
    try {
      const me = await api(t).getMe();
      return { id: me.id, username: me.username ?? '' };
    } catch (e) {
      throw explain(e);
    }
  },
  async findChat(t) {
    try {
      const updates = await api(t).getUpdates({ timeout: 0, allowed_updates: ['message'] });
      for (let i = updates.length - 1; i >= 0; i--) {
        const u = updates[i]!;
        if (!('message' in u)) continue;
        const m = u.message;
        const title = m.chat.title ?? [m.chat.first_name, m.chat.last_name].filter(Boolean).join(' ');
        return { chatId: m.chat.id, title, fromUserId: m.from?.id };
      }
      return undefined;
    } catch (e) {
      throw explain(e);
    }
  },
  async sendTest(t, chatId) {
    try {
      await api(t).sendMessage({
        chat_id: chatId,
        text: '✅ Vigie can reach this chat. Alerts will arrive here.',
      });
    } catch (e) {
      throw explain(e);
    }
  },
};
