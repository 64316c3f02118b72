import type { Labels } from '../common/labels';
import { parseDuration } from '../config/api';
import type { Appender } from '../storage/api';
import type { ProbeCheck, ProbeResult } from './api';
import { DEFAULT_INTERVAL } from './check';
import type { Limiter } from './limiter';
import { runProbe } from './run';
import { SeriesWriter } from './series';

/** LoopDeps are what a check's loop needs from its manager. */
export interface CheckLoopDeps {
  appender: () => Appender;
  limiter: Limiter;
  bodySizeLimit: number;
  log: (level: 'debug' | 'warn' | 'error', message: string) => void;
  /** onStart is told when a probe actually starts (after waiting for a slot): benchmarks measure spread. */
  onStart?: (check: ProbeCheck, scheduledAt: number, startedAt: number) => void;
}

/** fnv1a hashes a string to 32 bits (stable across runs, to place a check in its interval). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * CheckLoop runs one check on its own timer, at a phase of its interval fixed by a hash of its job and id,
 * so checks spread over the interval like scrape targets and a restart keeps each at the same phase. A run
 * still going at the next tick makes that tick skipped, never doubled.
 */
export class CheckLoop {
  last: ProbeResult | undefined;
  readonly writer: SeriesWriter;
  private timer: NodeJS.Timeout | undefined;
  private nextAt = 0;
  private inflight: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private stopped = false;
  readonly intervalMs: number;
  readonly labels: Labels;

  constructor(
    readonly job: string,
    readonly check: ProbeCheck,
    private readonly deps: CheckLoopDeps,
    predecessor?: CheckLoop,
  ) {
    this.intervalMs = parseDuration(check.interval ?? DEFAULT_INTERVAL) ?? 30_000;
    this.labels = { ...check.labels, job, instance: check.target, check: check.id };
    this.writer = predecessor?.writer ?? new SeriesWriter();
    this.last = predecessor?.last;
  }

  /** start schedules the first run at the check's phase of the interval. */
  start(): void {
    const now = Date.now();
    const offset = fnv1a(`${this.job}/${this.check.id}`) % this.intervalMs;
    this.nextAt = Math.floor(now / this.intervalMs) * this.intervalMs + offset;
    if (this.nextAt < now) this.nextAt += this.intervalMs;
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    const now = Date.now();
    while (this.nextAt < now - this.intervalMs / 100) this.nextAt += this.intervalMs;
    this.timer = setTimeout(() => {
      const scheduled = this.nextAt;
      this.nextAt += this.intervalMs;
      this.inflight = this.runOnce(scheduled).finally(() => {
        this.inflight = undefined;
        this.arm();
      });
    }, this.nextAt - now);
  }

  /** runOnce probes now and stores the result; never rejects. */
  async runOnce(scheduledAt = Date.now()): Promise<void> {
    const r = await this.deps.limiter.run(async () => {
      if (this.stopped) return undefined;
      this.deps.onStart?.(this.check, scheduledAt, Date.now());
      return runProbe(this.check, { bodySizeLimit: this.deps.bodySizeLimit, signal: this.abort.signal });
    });
    if (r === undefined || this.stopped) return;
    this.last = r;
    if (!r.success) this.deps.log('debug', `probe ${this.job}/${this.check.id} failed: ${r.error}`);
    try {
      await this.writer.write(this.deps.appender(), this.labels, r);
    } catch (e) {
      this.deps.log('error', `probe ${this.job}/${this.check.id}: storing the result failed: ${String(e)}`);
    }
  }

  /** stop ends the loop; with markStale every series of the check gets a staleness marker. */
  async stop(markStale: boolean): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.inflight;
    if (!markStale) return;
    try {
      await this.writer.writeStale(this.deps.appender(), Date.now());
    } catch (e) {
      this.deps.log('error', `probe ${this.job}/${this.check.id}: staleness markers failed: ${String(e)}`);
    }
  }
}
