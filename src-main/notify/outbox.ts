import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Notification } from './payload';

/** OutboxItem is one notification waiting for delivery on one channel (a receiver's integration). */
export interface OutboxItem {
  id: string;
  /** channel is `receiver/type/index`; items of one channel are delivered one at a time, in order. */
  channel: string;
  notification: Notification;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  lastError?: string;
}

/** Delivery is the outcome of one attempt. */
export type Delivery =
  { ok: true } | { ok: false; error: string; retryAfterMs?: number; permanent?: boolean };

/** OutboxOptions tune the retry policy; every limit is a setting. */
export interface OutboxOptions {
  path: string;
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

type Record_ =
  | { op: 'add'; item: OutboxItem }
  | { op: 'done'; id: string }
  | { op: 'retry'; id: string; attempts: number; nextAttemptAt: number; error: string };

/**
 * Outbox is the durable queue between the router and the channels. A notification is appended to a
 * JSON-lines journal (fsync'd by the append) before any attempt, and marked done only once delivered, so
 * retries survive restarts and outages: nothing is lost and a crash between delivery and the "done" record
 * sends at most one duplicate. The journal is compacted on open.
 */
export class Outbox {
  private readonly items = new Map<string, OutboxItem>();
  private readonly busy = new Set<string>();
  private readonly lastSent = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private journal: Promise<void> = Promise.resolve();
  private readonly running = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly o: OutboxOptions) {
    this.now = o.now ?? Date.now;
  }

  /** open replays the journal, rewrites it compacted and starts delivering. */
  async open(): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.o.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let r: Record_;
      try {
        r = JSON.parse(line) as Record_;
      } catch {
        continue; // a torn last line from a crash mid-append
      }
      if (r.op === 'add') this.items.set(r.item.id, r.item);
      else if (r.op === 'done') this.items.delete(r.id);
      else {
        const it = this.items.get(r.id);
        if (it)
          Object.assign(it, { attempts: r.attempts, nextAttemptAt: r.nextAttemptAt, lastError: r.error });
      }
    }
    await mkdir(dirname(this.o.path), { recursive: true });
    const compact = [...this.items.values()]
      .map((item) => JSON.stringify({ op: 'add', item }) + '\n')
      .join('');
    await writeFile(`${this.o.path}.tmp`, compact);
    await rename(`${this.o.path}.tmp`, this.o.path);
    if (this.items.size > 0)
      this.o.log('info', `outbox: ${this.items.size} notifications pending from the last run`);
    this.pump();
  }

  /** pending lists the items not yet delivered, oldest first. */
  pending(): OutboxItem[] {
    return [...this.items.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  /** enqueue stores a notification durably, then lets the channel's worker deliver it. */
  async enqueue(channel: string, notification: Notification): Promise<void> {
    const now = this.now();
    const item: OutboxItem = {
      id: randomUUID(),
      channel,
      notification,
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
    };
    this.items.set(item.id, item);
    await this.write({ op: 'add', item });
    this.pump();
  }

  /** stop waits for the deliveries in flight; pending items stay in the journal for the next run. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all(this.running);
    await this.journal;
  }

  private write(r: Record_): Promise<void> {
    // A failed write is logged, not propagated: the item is still delivered from memory, and the next
    // record must not inherit the failure.
    this.journal = this.journal
      .then(() => appendFile(this.o.path, JSON.stringify(r) + '\n'))
      .catch((e: unknown) => this.o.log('error', `outbox: writing the journal: ${String(e)}`));
    return this.journal;
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
      await this.write({ op: 'done', id: it.id });
      return;
    }
    it.attempts++;
    it.lastError = result.error;
    const max = this.o.maxAttempts ?? 0;
    if (result.permanent || (max > 0 && it.attempts >= max)) {
      this.o.log(
        'error',
        `outbox: dropping notification for ${it.channel} after ${it.attempts} attempts: ${result.error}`,
      );
      this.items.delete(it.id);
      await this.write({ op: 'done', id: it.id });
      return;
    }
    const base = this.o.baseBackoffMs ?? 1000;
    const backoff = Math.min(base * 2 ** (it.attempts - 1), this.o.maxBackoffMs ?? 300_000);
    it.nextAttemptAt = this.now() + Math.max(backoff, result.retryAfterMs ?? 0);
    this.o.log(
      'warn',
      `outbox: ${it.channel}: ${result.error}; retry ${it.attempts} in ${it.nextAttemptAt - this.now()} ms`,
    );
    await this.write({
      op: 'retry',
      id: it.id,
      attempts: it.attempts,
      nextAttemptAt: it.nextAttemptAt,
      error: result.error,
    });
  }
}
