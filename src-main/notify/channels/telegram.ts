import { readFileSync } from 'node:fs';
import { Api, NetworkError, TelegramApiError, TimeoutError } from 'node-telegram-bot-api';
import type { TelegramReceiverConfig } from '../../config/api';
import type { Delivery } from '../outbox';
import type { Notification } from '../payload';
import { alertKeyboard, alertRef } from '../bot/keyboard';
import { formatTelegram, splitMessage, splitNotification } from './telegram-format';

/** TelegramChannelOptions are one telegram_configs entry plus the request timeout. */
export interface TelegramChannelOptions {
  config: TelegramReceiverConfig;
  timeoutMs?: number;
  dashboardURL?: () => string;
  /** buttons puts Ack / Silence / Graph under firing messages (when a command bot answers them). */
  buttons?: boolean;
  /** silenceLabel is the Silence button's duration as shown, e.g. `1h`. */
  silenceLabel?: string;
  now?: () => number;
}

/**
 * TelegramChannel sends notifications to one chat with the Bot API client, leaving retries to the outbox
 * (the client's own retries are off so one attempt is one request): a 429 returns its retry_after, 5xx and
 * network errors are retried with backoff, and 403 (bot blocked or kicked) marks the chat stopped so the
 * outbox drops its messages instead of retrying forever.
 */
export class TelegramChannel {
  private readonly api: Api;
  /** stopped is set when Telegram answered 403 for this chat. */
  stopped = '';

  constructor(private readonly o: TelegramChannelOptions) {
    const c = o.config;
    const token = c.bot_token ?? (c.bot_token_file ? readFileSync(c.bot_token_file, 'utf8').trim() : '');
    this.api = new Api(token, {
      apiRoot: c.api_url ?? 'https://api.telegram.org',
      maxRetries: 0,
      timeoutMs: o.timeoutMs ?? 30_000,
    });
  }

  /** minIntervalMs: about 1 message/s to a private chat, 20/min to a group (negative chat id). */
  get minIntervalMs(): number {
    return this.o.config.chat_id < 0 ? 3000 : 1000;
  }

  /**
   * split cuts a notification into the messages this chat will get, so the outbox stores and retries each
   * one on its own. A custom `message` template is sent as one text (cut at 4096 characters if it must).
   */
  split(n: Notification): Notification[] {
    if (this.o.config.message !== undefined) return [n];
    return splitNotification(n, (this.o.now ?? Date.now)(), this.o.dashboardURL?.() ?? '');
  }

  async deliver(n: Notification): Promise<Delivery> {
    if (this.stopped !== '') return { ok: false, permanent: true, error: `chat stopped: ${this.stopped}` };
    const c = this.o.config;
    const text = c.message ?? formatTelegram(n, (this.o.now ?? Date.now)(), this.o.dashboardURL?.() ?? '');
    try {
      const parts = splitMessage(text);
      for (let i = 0; i < parts.length; i++) {
        // Parts of one long message are paced like separate messages (Telegram counts each).
        if (i > 0) await new Promise((r) => setTimeout(r, this.minIntervalMs));
        const part = parts[i]!;
        const buttons =
          this.o.buttons === true && n.status === 'firing' && i === parts.length - 1
            ? { reply_markup: alertKeyboard(alertRef(n), this.o.silenceLabel) }
            : {};
        await this.api.sendMessage({
          chat_id: c.chat_id,
          text: part,
          ...buttons,
          ...(c.parse_mode !== '' ? { parse_mode: c.parse_mode } : {}),
          ...(c.message_thread_id !== undefined ? { message_thread_id: c.message_thread_id } : {}),
          disable_notification: c.disable_notifications,
        });
      }
      return { ok: true };
    } catch (e) {
      return classify(e, (reason) => (this.stopped = reason));
    }
  }
}

/** classify maps a Bot API failure to the outbox's retry decision. */
export function classify(e: unknown, stop: (reason: string) => void): Delivery {
  if (e instanceof TelegramApiError) {
    if (e.errorCode === 429)
      return { ok: false, error: `429 ${e.description}`, retryAfterMs: (e.retryAfter ?? 1) * 1000 };
    if (e.errorCode === 403) {
      stop(e.description);
      return { ok: false, permanent: true, error: `403 ${e.description}` };
    }
    if (e.errorCode >= 500) return { ok: false, error: `${e.errorCode} ${e.description}` };
    return { ok: false, permanent: true, error: `${e.errorCode} ${e.description}` };
  }
  if (e instanceof NetworkError || e instanceof TimeoutError) return { ok: false, error: e.message };
  return { ok: false, error: e instanceof Error ? e.message : String(e) };
}
