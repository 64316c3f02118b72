import { join } from 'node:path';
import type { AlertingConfig } from '../config/api';
import type { DesktopNotifier, Router } from './api';
import { AtomicJsonFile } from './atomic-json';
import { deliverDesktop } from './channels/desktop';
import { TelegramChannel } from './channels/telegram';
import { deliverWebhook } from './channels/webhook';
import { TelegramBot } from './bot/telegram-bot';
import { Outbox, type Delivery, type OutboxItem } from './outbox';
import { createRouter, type NotifyState } from './router';

/** NotifierOptions are what the appliance gives the notify stage. */
export interface NotifierOptions {
  config: AlertingConfig;
  /** dir holds the outbox journal and the router's state (notification log, silences, acks). */
  dir: string;
  desktop?: DesktopNotifier;
  externalURL?: string;
  /** backoff of failed deliveries; defaults 1 s doubling to 5 min. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** bots turns on the Telegram command bots (long polling) of the telegram receivers; default true. */
  bots?: boolean;
  /** botPollTimeoutS is the long-poll wait of the bots (default 25 s). */
  botPollTimeoutS?: number;
  /** telegramTimeoutMs bounds one Bot API request (default 30 s). */
  telegramTimeoutMs?: number;
  now?: () => number;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/**
 * createNotifier assembles the notify stage: the router, the durable outbox under it and one channel per
 * receiver integration. Stopping it leaves undelivered notifications in the outbox for the next start.
 */
export async function createNotifier(o: NotifierOptions): Promise<Router & { flushAll(): Promise<void> }> {
  const log = (level: 'info' | 'warn' | 'error', m: string): void => o.log(level, `notify: ${m}`);
  const telegram = new Map<string, TelegramChannel>();
  for (const r of o.config.receivers)
    r.telegram_configs.forEach((c, i) =>
      telegram.set(
        `${r.name}/telegram/${i}`,
        new TelegramChannel({ config: c, now: o.now, timeoutMs: o.telegramTimeoutMs }),
      ),
    );
  const receivers = new Map(o.config.receivers.map((r) => [r.name, r]));
  const deliver = async (item: OutboxItem): Promise<Delivery> => {
    const [name, type, index] = item.channel.split('/') as [string, string, string];
    const r = receivers.get(name);
    const i = Number(index);
    if (type === 'telegram') {
      const ch = telegram.get(item.channel);
      if (ch) return ch.deliver(item.notification);
    } else if (type === 'webhook') {
      const c = r?.webhook_configs[i];
      if (c) return deliverWebhook(c, item.notification);
    } else if (type === 'desktop' && r?.desktop_configs[i]) {
      return deliverDesktop(o.desktop, item.notification, (m) => log('info', `desktop: ${m}`));
    }
    // The configuration changed since this was queued: its channel is gone.
    return { ok: false, permanent: true, error: `no channel ${item.channel} in the configuration` };
  };
  const outbox = new Outbox({
    path: join(o.dir, 'outbox.jsonl'),
    deliver,
    minIntervalMs: (channel) => telegram.get(channel)?.minIntervalMs ?? 0,
    baseBackoffMs: o.baseBackoffMs,
    maxBackoffMs: o.maxBackoffMs,
    maxAttempts: o.config.outbox_max_attempts,
    now: o.now,
    log,
  });
  await outbox.open();
  const router = await createRouter({
    config: o.config,
    outbox,
    state: new AtomicJsonFile<NotifyState>(join(o.dir, 'notify-state.json')),
    externalURL: o.externalURL,
    now: o.now,
    log,
  });
  // One command bot per token, obeying the chats (and users) of every receiver using that token.
  const bots: TelegramBot[] = [];
  if (o.bots !== false) {
    const byToken = new Map<string, { apiUrl?: string; chats: number[]; users: number[] }>();
    for (const r of o.config.receivers)
      for (const c of r.telegram_configs) {
        const token = c.bot_token;
        if (token === undefined) continue;
        const b = byToken.get(token) ?? { apiUrl: c.api_url, chats: [], users: [] };
        b.chats.push(c.chat_id);
        b.users.push(...c.allowed_user_ids);
        byToken.set(token, b);
      }
    for (const [token, b] of byToken) {
      const bot = new TelegramBot({ token, ...b, router, pollTimeoutS: o.botPollTimeoutS, log });
      bot.start();
      bots.push(bot);
    }
  }
  return {
    ...router,
    stop: async () => {
      await Promise.all(bots.map((b) => b.stop()));
      await router.stop();
      await outbox.stop();
    },
  };
}
