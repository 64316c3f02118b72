import { randomUUID } from 'node:crypto';
import type { DocumentStore } from '../state/api';
import type { Notification } from './payload';

/** OUTBOX_KIND is the document kind of pending notifications in the DocumentStore. */
export const OUTBOX_KIND = 'notify-outbox';

/** OutboxItem is one notification waiting for delivery on one channel (a receiver's integration). */
export interface OutboxItem {
  id: string;
  /** channel is `receiver/type/index`; items of one channel are delivered one at a time, in order. */
  channel: string;
  notification: Notification;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  /** seq orders items queued within one millisecond. */
  seq?: number;
  lastError?: string;
}

/** Delivery is the outcome of one attempt. */
export type Delivery =
  { ok: true } | { ok: false; error: string; retryAfterMs?: number; permanent?: boolean };

/** OutboxOptions tune the retry policy; every limit is a setting. */
export interface OutboxOptions {
  /** store keeps the pending items (kind OUTBOX_KIND), in the appliance's database. */
  store: DocumentStore;
  deliver(item: OutboxItem): Promise<Delivery>;
  /** minIntervalMs spaces two deliveries of one channel (Telegram: ~1 message/s per chat). */
  minIntervalMs?(channel: string): number;
  /** backoff: first retry after baseBackoffMs, doubling up to maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** maxAttempts drops an item after that many failures (0: never). */
  maxAttempts?: number;
  now?: () => number;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/**
 * Outbox is the durable queue between the router and the channels. A notification is stored (one document
 * per item, committed to the database) before any attempt, its retry schedule is stored after every failure
 * and it is deleted only once delivered, so retries and their backoff survive restarts and outages: nothing
 * is lost, and a crash between a delivery and its deletion sends at most one duplicate.
 */
export class Outbox {
  private readonly items = new Map<string, OutboxItem>();
  private readonly busy = new Set<string>();
  private readonly lastSent = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private seq = 0;
  private readonly writes = new Set<Promise<void>>();
  private readonly running = new Set<Promise<void>>();
  private readonly now: () => number;

  private maxAttempts: number;

  constructor(private readonly o: OutboxOptions) {
    this.now = o.now ?? Date.now;
    this.maxAttempts = o.maxAttempts ?? 0;
  }

  /** setMaxAttempts applies a reloaded `outbox_max_attempts` to the next failures, queued items included. */
  setMaxAttempts(n: number): void {
    this.maxAttempts = n;
  }

  /** open loads the items left by the last run and starts delivering. */
  async open(): Promise<void> {
    for (const d of await this.o.store.list(OUTBOX_KIND)) {
      const it = d.doc as OutboxItem;
      if (typeof it?.channel !== 'string' || typeof it.notification !== 'object') {
        this.o.log('error', `outbox: dropping unreadable item ${d.id}`);
        await this.o.store.delete(OUTBOX_KIND, d.id);
        continue;
      }
      this.items.set(d.id, { ...it, id: d.id });
      this.seq = Math.max(this.seq, (it.seq ?? 0) + 1);
    }
    if (this.items.size > 0)
      this.o.log('info', `outbox: ${this.items.size} notifications pending from the last run`);
    this.pump();
  }

  /** pending lists the items not yet delivered, oldest first. */
  pending(): OutboxItem[] {
    return [...this.items.values()].sort((a, b) => a.createdAt - b.createdAt || (a.seq ?? 0) - (b.seq ?? 0));
  }

  /**
   * enqueue stores a notification durably, then lets the channel's worker deliver it. When the store
   * fails the error is logged and the item is still delivered from memory: late is better than never.
   */
  async enqueue(channel: string, notification: Notification): Promise<void> {
    const now = this.now();
    const item: OutboxItem = {
      id: randomUUID(),
      channel,
      notification,
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      seq: this.seq++,
    };
    await this.track(
      this.o.store.put(OUTBOX_KIND, item.id, item).then(() => undefined),
      'storing',
    );
    this.items.set(item.id, item);
    this.pump();
  }

  /**
   * wake makes the pending items of these channels due now: their configuration changed (a new chat or
   * token), so a backoff earned by the old one should not delay the new one.
   */
  wake(channels: ReadonlySet<string>): void {
    const now = this.now();
    for (const it of this.items.values())
      if (channels.has(it.channel) && it.nextAttemptAt > now) it.nextAttemptAt = now;
    this.pump();
  }

  /** stop waits for the deliveries in flight; pending items stay stored for the next run. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all(this.running);
    await Promise.all(this.writes);
  }

  /** track logs a failed store write (never propagated) and lets stop() wait for writes in flight. */
  private track(p: Promise<unknown>, what: string): Promise<void> {
    const w = p.then(
      () => undefined,
      (e: unknown) => this.o.log('error', `outbox: ${what} a notification: ${String(e)}`),
    );
    this.writes.add(w);
    void w.finally(() => this.writes.delete(w));
    return w;
  }

  /** pump starts a worker for every channel with a due item and arms a timer for the next due one. */
  private pump(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const now = this.now();
    let next = Infinity;
    const heads = new Map<string, OutboxItem>();
    for (const it of this.pending()) if (!heads.has(it.channel)) heads.set(it.channel, it);
    for (const [channel, it] of heads) {
      if (this.busy.has(channel)) continue;
      const gap = this.o.minIntervalMs?.(channel) ?? 0;
      const due = Math.max(it.nextAttemptAt, (this.lastSent.get(channel) ?? -Infinity) + gap);
      if (due > now) {
        next = Math.min(next, due);
        continue;
      }
      this.busy.add(channel);
      const p = this.attempt(it).finally(() => {
        this.busy.delete(channel);
        this.running.delete(p);
        this.pump();
      });
      this.running.add(p);
    }
    if (next !== Infinity) this.timer = setTimeout(() => this.pump(), Math.max(next - now, 1));
  }

  private async attempt(it: OutboxItem): Promise<void> {
    let result: Delivery;
    try {
      result = await this.o.deliver(it);
    } catch (e) {
      result = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    this.lastSent.set(it.channel, this.now());
    if (result.ok) {
      this.items.delete(it.id);
      await this.track(this.o.store.delete(OUTBOX_KIND, it.id), 'deleting');
      return;
    }
    it.attempts++;
    it.lastError = result.error;
    const max = this.maxAttempts;
    if (result.permanent || (max > 0 && it.attempts >= max)) {
      this.o.log(
        'error',
        `outbox: dropping notification for ${it.channel} after ${it.attempts} attempts: ${result.error}`,
      );
      this.items.delete(it.id);
      await this.track(this.o.store.delete(OUTBOX_KIND, it.id), 'deleting');
      return;
    }
    const base = this.o.baseBackoffMs ?? 1000;
    const backoff = Math.min(base * 2 ** (it.attempts - 1), this.o.maxBackoffMs ?? 300_000);
    it.nextAttemptAt = this.now() + Math.max(backoff, result.retryAfterMs ?? 0);
    this.o.log(
      'warn',
      `outbox: ${it.channel}: ${result.error}; retry ${it.attempts} in ${it.nextAttemptAt - this.now()} ms`,
    );
    await this.track(this.o.store.put(OUTBOX_KIND, it.id, it), 'rescheduling');
  }
}
