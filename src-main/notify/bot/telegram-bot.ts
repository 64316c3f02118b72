import { Api, InputFile } from 'node-telegram-bot-api';
import { runCallback } from './callbacks';
import { runCommand, type BotContext, type BotReply } from './commands';
import { markDone, parseCallback, type InlineKeyboard } from './keyboard';

/** TelegramBotOptions: one bot token, who may command it, and what it acts on. */
export interface TelegramBotOptions extends BotContext {
  token: string;
  apiUrl?: string;
  /** chats are the chat ids the bot obeys in (the receivers' chat_id). */
  chats: readonly number[];
  /** users, when not empty, further limits commands and buttons to these user ids. */
  users: readonly number[];
  /** silenceMs is the Silence button's duration (default 1 h). */
  silenceMs?: number;
  /** pollTimeoutS is the long-poll wait Telegram holds a getUpdates open (default 25 s). */
  pollTimeoutS?: number;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** Update is the part of a Bot API update the bot reads. */
interface Update {
  update_id: number;
  message?: { chat: { id: number }; from?: { id: number }; text?: string };
  callback_query?: {
    id: string;
    from: { id: number; first_name?: string; username?: string };
    data?: string;
    message?: { message_id: number; chat: { id: number }; reply_markup?: InlineKeyboard };
  };
}

/**
 * TelegramBot answers commands and the buttons under alert messages by long polling (getUpdates), so it
 * works behind a LAN's NAT with no public URL. Messages and button presses from chats and users outside
 * the allow-list are ignored without any answer. Failed polls back off (1 s doubling to 1 min) and the
 * loop ends on stop().
 */
export class TelegramBot {
  private readonly api: Api;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly o: TelegramBotOptions) {
    this.api = new Api(o.token, { apiRoot: o.apiUrl ?? 'https://api.telegram.org', maxRetries: 0 });
  }

  start(): void {
    this.loop ??= this.poll();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private allowed(chatId: number | undefined, userId: number | undefined): boolean {
    if (chatId === undefined || !this.o.chats.includes(chatId)) return false;
    return this.o.users.length === 0 || (userId !== undefined && this.o.users.includes(userId));
  }

  private async send(chatId: number, reply: BotReply, signal: AbortSignal): Promise<void> {
    if ('text' in reply) await this.api.sendMessage({ chat_id: chatId, text: reply.text }, signal);
    else
      await this.api.sendPhoto(
        {
          chat_id: chatId,
          photo: new InputFile(reply.photo, { filename: 'graph.png', contentType: 'image/png' }),
          caption: reply.caption.slice(0, 1024),
        },
        signal,
      );
  }

  private async handle(u: Update, signal: AbortSignal): Promise<void> {
    const m = u.message;
    if (m !== undefined) {
      if (m.text === undefined || !m.text.startsWith('/')) return;
      if (!this.allowed(m.chat.id, m.from?.id)) return;
      const reply = await runCommand(this.o, m.text, `telegram:${m.from?.id ?? m.chat.id}`);
      await this.send(m.chat.id, reply, signal);
      return;
    }
    const q = u.callback_query;
    if (q === undefined || !this.allowed(q.message?.chat.id, q.from.id)) return;
    const chatId = q.message!.chat.id;
    if (q.data === 'done') {
      await this.api.answerCallbackQuery({ callback_query_id: q.id, text: 'Already done.' }, signal);
      return;
    }
    const cb = parseCallback(q.data ?? '');
    if (cb === undefined) {
      await this.api.answerCallbackQuery({ callback_query_id: q.id, text: 'Unknown button.' }, signal);
      return;
    }
    const name = q.from.first_name ?? q.from.username ?? String(q.from.id);
    const r = await runCallback(this.o, cb.action, cb.ref, { id: `telegram:${q.from.id}`, name });
    await this.api.answerCallbackQuery({ callback_query_id: q.id, text: r.answer.slice(0, 200) }, signal);
    const keyboard = q.message?.reply_markup;
    if (r.done !== undefined && keyboard !== undefined)
      await this.api.editMessageReplyMarkup(
        {
          chat_id: chatId,
          message_id: q.message!.message_id,
          reply_markup: markDone(keyboard, cb.action, r.done),
        },
        signal,
      );
    if (r.reply !== undefined) await this.send(chatId, r.reply, signal);
  }

  private async poll(): Promise<void> {
    let offset = 0;
    let backoff = 1000;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        const updates = (await this.api.getUpdates(
          {
            offset,
            timeout: this.o.pollTimeoutS ?? 25,
            allowed_updates: ['message', 'callback_query'],
          },
          signal,
        )) as unknown as Update[];
        backoff = 1000;
        for (const u of updates) {
          offset = u.update_id + 1;
          await this.handle(u, signal);
        }
      } catch (e) {
        if (signal.aborted) break;
        this.o.log(
          'warn',
          `telegram bot: ${e instanceof Error ? e.message : String(e)}; retrying in ${backoff} ms`,
        );
        await new Promise<void>((r) => {
          const timer = setTimeout(r, backoff);
          signal.addEventListener('abort', () => (clearTimeout(timer), r()), { once: true });
        });
        backoff = Math.min(backoff * 2, 60_000);
      }
    }
  }
}
