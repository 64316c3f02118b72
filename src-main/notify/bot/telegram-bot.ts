import { Api } from 'node-telegram-bot-api';
import type { Router } from '../api';
import { runCommand } from './commands';

/** TelegramBotOptions: one bot token and who may command it. */
export interface TelegramBotOptions {
  token: string;
  apiUrl?: string;
  /** chats are the chat ids the bot obeys in (the receivers' chat_id). */
  chats: readonly number[];
  /** users, when not empty, further limits commands to these user ids. */
  users: readonly number[];
  router: Router;
  /** pollTimeoutS is the long-poll wait Telegram holds a getUpdates open (default 25 s). */
  pollTimeoutS?: number;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/**
 * TelegramBot answers commands by long polling (getUpdates), so it works behind a LAN's NAT with no public
 * URL. Messages from chats and users outside the allow-list are ignored without an answer. Failed polls
 * back off (1 s doubling to 1 min) and the loop ends on stop().
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

  private allowed(chatId: number, userId: number | undefined): boolean {
    if (!this.o.chats.includes(chatId)) return false;
    return this.o.users.length === 0 || (userId !== undefined && this.o.users.includes(userId));
  }

  private async poll(): Promise<void> {
    let offset = 0;
    let backoff = 1000;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        const updates = await this.api.getUpdates(
          { offset, timeout: this.o.pollTimeoutS ?? 25, allowed_updates: ['message'] },
          signal,
        );
        backoff = 1000;
        for (const u of updates) {
          offset = u.update_id + 1;
          if (!('message' in u)) continue;
          const m = u.message;
          if (m.text === undefined || !m.text.startsWith('/')) continue;
          if (!this.allowed(m.chat.id, m.from?.id)) continue;
          const answer = await runCommand(this.o.router, m.text, `telegram:${m.from?.id ?? m.chat.id}`);
          await this.api.sendMessage({ chat_id: m.chat.id, text: answer }, signal);
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
