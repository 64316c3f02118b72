import type { AlertingConfig } from '../config/api';
import type { Engine } from '../promql/api';
import { MemoryDocumentStore, type DocumentStore } from '../state/api';
import type { DesktopNotifier, Router } from './api';
import { graphFn, type GraphQueryOptions } from './bot/graph-query';
import { TelegramBot } from './bot/telegram-bot';
import { deliverDesktop } from './channels/desktop';
import { TelegramChannel } from './channels/telegram';
import { deliverWebhook } from './channels/webhook';
import { DocumentSlot } from './document-slot';
import { ROUTER_STATE, migrateNotifyFiles } from './migrate-files';
import { Outbox, type Delivery, type OutboxItem } from './outbox';
import { createRouter, type NotifyState } from './router';
import { formatDuration } from '../config/api';

/** NotifierOptions are what the appliance gives the notify stage. */
export interface NotifierOptions {
  config: AlertingConfig;
  /**
   * store keeps the outbox, the notification log, silences and acks (the appliance's database). Without
   * one they are kept in memory only, and a warning says so.
   */
  store?: DocumentStore;
  /** dir is where earlier versions kept notify's JSON files; they are imported into store once. */
  dir?: string;
  desktop?: DesktopNotifier;
  externalURL?: string;
  /** engine answers the bot's /graph and the Graph button; without one they say graphs are unavailable. */
  engine?: Engine;
  /** graph sizes the bot's charts. */
  graph?: GraphQueryOptions & { rangeMs?: number; maxRangeMs?: number };
  /** silenceMs is the duration of the Silence button under alert messages (default 1 h). */
  silenceMs?: number;
  /** backoff of failed deliveries; defaults 1 s doubling to 5 min. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** bots turns on the Telegram command bots (long polling) and the buttons under alerts; default true. */
  bots?: boolean;
  /** botPollTimeoutS is the long-poll wait of the bots (default 25 s). */
  botPollTimeoutS?: number;
  /** telegramTimeoutMs bounds one Bot API request (default 30 s). */
  telegramTimeoutMs?: number;
  /** telegramMinIntervalMs overrides the per-chat spacing (1 s private, 3 s group): benchmarks only. */
  telegramMinIntervalMs?: number;
  now?: () => number;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** Notifier is the notify stage as the appliance holds it. */
export type Notifier = Router & {
  flushAll(): Promise<void>;
  /**
   * reload applies a new alerting configuration without a restart: receivers, channels, command bots,
   * route tree and inhibit rules are rebuilt; the outbox (pending items stay and go out through the new
   * channels), silences, acks, the notification log and the alerts of open groups are kept. A bot whose
   * token, chats and users did not change keeps polling; the others are stopped (their long poll aborted)
   * and started anew. A bad configuration rejects and leaves the running one in place.
   */
  reload(config: AlertingConfig): Promise<void>;
};

/** settingsOf remembers the settings each Telegram channel was built from, to reuse it when unchanged. */
const settingsOf = new WeakMap<TelegramChannel, string>();

/** telegramChannels keys a configuration's Telegram integrations by outbox channel, reusing unchanged ones. */
function telegramChannels(
  c: AlertingConfig,
  o: NotifierOptions,
  silenceMs: number,
  previous: ReadonlyMap<string, TelegramChannel> = new Map(),
): Map<string, TelegramChannel> {
  const out = new Map<string, TelegramChannel>();
  const buttons = o.bots !== false;
  for (const r of c.receivers)
    r.telegram_configs.forEach((config, i) => {
      const name = `${r.name}/telegram/${i}`;
      // The same settings keep the same channel: its pacing and a 403's "chat stopped" mark carry over.
      const key = JSON.stringify(config);
      const old = previous.get(name);
      if (old !== undefined && settingsOf.get(old) === key) return void out.set(name, old);
      const ch = new TelegramChannel({
        config,
        now: o.now,
        timeoutMs: o.telegramTimeoutMs,
        buttons: buttons && config.bot_token !== undefined,
        silenceLabel: formatDuration(silenceMs),
      });
      settingsOf.set(ch, key);
      out.set(name, ch);
    });
  return out;
}

/** botSpecs groups a configuration's Telegram integrations by bot token: one command bot per token. */
function botSpecs(c: AlertingConfig): Map<string, { apiUrl?: string; chats: number[]; users: number[] }> {
  const byToken = new Map<string, { apiUrl?: string; chats: number[]; users: number[] }>();
  for (const r of c.receivers)
    for (const t of r.telegram_configs) {
      const token = t.bot_token;
      if (token === undefined) continue;
      const b = byToken.get(token) ?? { apiUrl: t.api_url, chats: [], users: [] };
      b.chats.push(t.chat_id);
      b.users.push(...t.allowed_user_ids);
      byToken.set(token, b);
    }
  return byToken;
}

/**
 * createNotifier assembles the notify stage: the router, the durable outbox under it and one channel per
 * receiver integration. Stopping it leaves undelivered notifications in the outbox for the next start.
 */
export async function createNotifier(o: NotifierOptions): Promise<Notifier> {
  const log = (level: 'info' | 'warn' | 'error', m: string): void => o.log(level, `notify: ${m}`);
  let store = o.store;
  if (store === undefined) {
    store = new MemoryDocumentStore();
    log('warn', 'no document store: the outbox, silences and acks are kept in memory only');
  } else if (o.dir !== undefined) await migrateNotifyFiles(o.dir, store, log);
  const bots = o.bots !== false;
  const silenceMs = o.silenceMs ?? 3_600_000;
  // What reload() swaps: deliveries read these at send time, so a queued item uses the current channel.
  let telegram = telegramChannels(o.config, o, silenceMs);
  let receivers = new Map(o.config.receivers.map((r) => [r.name, r]));
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
    store,
    deliver,
    minIntervalMs: (channel) => {
      const ch = telegram.get(channel);
      return ch === undefined ? 0 : (o.telegramMinIntervalMs ?? ch.minIntervalMs);
    },
    baseBackoffMs: o.baseBackoffMs,
    maxBackoffMs: o.maxBackoffMs,
    maxAttempts: o.config.outbox_max_attempts,
    now: o.now,
    log,
  });
  await outbox.open();
  const router = await createRouter({
    config: o.config,
    // A Telegram notification is cut into chat-sized messages here, so each is stored and retried alone.
    outbox: {
      enqueue: async (channel, n) => {
        for (const part of telegram.get(channel)?.split(n) ?? [n]) await outbox.enqueue(channel, part);
      },
    },
    state: new DocumentSlot<NotifyState>(store, ROUTER_STATE.kind, ROUTER_STATE.id),
    externalURL: o.externalURL,
    now: o.now,
    log,
  });
  // One command bot per token, obeying the chats (and users) of every receiver using that token.
  const graph = bots && o.engine !== undefined ? graphFn(o.engine, o.graph, o.now) : undefined;
  let running = new Map<string, TelegramBot>();
  const startBots = async (c: AlertingConfig): Promise<void> => {
    const next = new Map<string, TelegramBot>();
    const specs = bots ? botSpecs(c) : new Map<string, never>();
    for (const [token, b] of specs) {
      const key = JSON.stringify([token, b]);
      const old = running.get(key);
      if (old !== undefined) {
        next.set(key, old);
        continue;
      }
      const bot = new TelegramBot({
        token,
        ...b,
        router,
        graph,
        graphRangeMs: o.graph?.rangeMs,
        maxGraphRangeMs: o.graph?.maxRangeMs,
        silenceMs,
        pollTimeoutS: o.botPollTimeoutS,
        log,
      });
      next.set(key, bot);
    }
    // The replaced bots stop (their long poll is aborted) before the new ones poll the same token.
    await Promise.all([...running].filter(([k]) => !next.has(k)).map(([, b]) => b.stop()));
    running = next;
    for (const b of next.values()) b.start();
  };
  await startBots(o.config);

  let stopped = false;
  let reloads: Promise<void> = Promise.resolve();
  const reload = (c: AlertingConfig): Promise<void> => {
    const run = reloads.then(async () => {
      if (stopped) return;
      const nextTelegram = telegramChannels(c, o, silenceMs, telegram);
      router.reload(c); // throws on a bad route tree, before anything else changed
      const changed = new Set([...nextTelegram].filter(([k, ch]) => telegram.get(k) !== ch).map(([k]) => k));
      for (const r of c.receivers) {
        const old = receivers.get(r.name);
        r.webhook_configs.forEach((w, i) => {
          if (JSON.stringify(old?.webhook_configs[i]) !== JSON.stringify(w))
            changed.add(`${r.name}/webhook/${i}`);
        });
      }
      telegram = nextTelegram;
      receivers = new Map(c.receivers.map((r) => [r.name, r]));
      outbox.setMaxAttempts(c.outbox_max_attempts);
      outbox.wake(changed);
      await startBots(c);
      log('info', `configuration reloaded: ${c.receivers.length} receivers, ${running.size} command bots`);
    });
    reloads = run.catch(() => undefined);
    return run;
  };

  return {
    ...router,
    reload,
    stop: async () => {
      stopped = true;
      await reloads;
      await Promise.all([...running.values()].map((b) => b.stop()));
      await router.stop();
      await outbox.stop();
    },
  };
}
