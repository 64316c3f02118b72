import type { Appender } from '../storage/api';
import { ExpositionError, type ExpositionParser } from './exposition/types';
import type { TargetHealth } from './api';
import {
  appendScrape,
  ScrapeLimitError,
  writeStaleMarkers,
  type AppendOptions,
  type AppendResult,
} from './append';
import { ScrapeCache } from './cache';
import type { FetchOptions, ScrapeResponse } from './http';
import { ReportWriter } from './report';
import { scrapeOffset, type ScrapeTarget } from './target';

/** ScrapeLog receives what the scrape stage has to say; the wiring decides where it goes. */
export type ScrapeLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

/** Fetcher gets one scrape body; ScrapeHttpClient is the real one. */
export interface Fetcher {
  fetch(url: string, opts: FetchOptions): Promise<ScrapeResponse>;
}

/** LoopSettings are a target's scrape settings, from its job's ScrapeConfig. */
export interface LoopSettings {
  intervalMs: number;
  timeoutMs: number;
  bodySizeLimit: number;
  append: AppendOptions;
}

/** LoopDeps are what a loop needs from its manager. */
export interface LoopDeps {
  target: ScrapeTarget;
  settings: LoopSettings;
  fetcher: Fetcher;
  appender: () => Appender;
  createParser: (body: string, contentType: string) => ExpositionParser;
  /** now gives sample timestamps (ms); the schedule itself follows the real clock. */
  now: () => number;
  log: ScrapeLog;
  /**
   * predecessor is the stopped loop of the same target this one replaces after a config reload that
   * cannot change stored labels: its series cache and staleness state carry over, so no series is marked
   * stale or re-created across the reload.
   */
  predecessor?: ScrapeLoop;
  offsetSeed: number;
  /**
   * firstScrapeSpreadMs: a new target is first scraped within this long (spread by its hash), not only at
   * its phase in the interval, so a machine shows up seconds after it is found; later scrapes keep the
   * phase. 0 waits for the phase, as Prometheus does. Default 2 s.
   */
  firstScrapeSpreadMs?: number;
}

/**
 * firstScrapes places a target's first scrape: early, within `spreadMs` of `wall` (spread by the hash),
 * when that comes before its phased slot; `then` is the phased slot that follows it, skipped by one
 * interval when it would come less than half an interval after the early scrape. spreadMs 0 keeps
 * Prometheus's schedule (first scrape at the phase, `then` undefined).
 */
export function firstScrapes(
  hash: number,
  intervalMs: number,
  wall: number,
  seed: number,
  spreadMs: number,
): { first: number; then?: number } {
  const phased = wall + scrapeOffset(hash, intervalMs, wall, seed);
  const spread = Math.min(spreadMs, intervalMs);
  if (spread <= 0) return { first: phased };
  const early = wall + ((hash >>> 0) % spread);
  if (early >= phased) return { first: phased };
  return { first: early, then: phased - early < intervalMs / 2 ? phased + intervalMs : phased };
}

/**
 * ScrapeLoop scrapes one target every interval, at a phase fixed by the target's hash so that targets spread
 * over the interval. Each scrape commits its samples (or, if it failed, staleness markers for the previous
 * scrape's series) in one appender, then the synthetic series in a second one. Stopping aborts an in-flight
 * fetch, waits for in-flight appends and can end every series with a staleness marker.
 */
export class ScrapeLoop {
  readonly cache: ScrapeCache;
  health: TargetHealth = 'unknown';
  lastError = '';
  lastScrape = 0;
  lastScrapeDuration = 0;
  /** scrapes counts completed scrapes, for tests and status. */
  scrapes = 0;
  private readonly report: ReportWriter;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private nextAt = 0;
  /** realignAt is the phased slot that follows an early first scrape. */
  private realignAt: number | undefined;
  private inflight: Promise<void> | undefined;
  private stopped = false;
  /** lastT is the timestamp of the last committed scrape, undefined before the first. */
  private lastT: number | undefined;

  constructor(private readonly deps: LoopDeps) {
    this.cache = deps.predecessor?.cache ?? new ScrapeCache();
    this.report = new ReportWriter(deps.target.labels);
  }

  get target(): ScrapeTarget {
    return this.deps.target;
  }

  /** updateTarget takes a rediscovered target of the same identity (its discovered labels may differ). */
  updateTarget(t: ScrapeTarget): void {
    if (t.identity === this.deps.target.identity) this.deps.target = t;
  }

  get settings(): LoopSettings {
    return this.deps.settings;
  }

  /**
   * start schedules the first scrape, then one per interval at the target's phase. A new target (not one
   * replacing its predecessor after a reload) gets its first scrape early, within firstScrapeSpreadMs.
   */
  start(): void {
    const d = this.deps;
    const spread = d.predecessor === undefined ? (d.firstScrapeSpreadMs ?? 2_000) : 0;
    const s = firstScrapes(d.target.hash, d.settings.intervalMs, Date.now(), d.offsetSeed, spread);
    this.nextAt = s.first;
    this.realignAt = s.then;
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    const { intervalMs } = this.deps.settings;
    const wall = Date.now();
    // A scrape that overran its interval skips the ticks it missed instead of scraping back to back.
    while (this.nextAt < wall - intervalMs / 100) this.nextAt += intervalMs;
    this.timer = setTimeout(() => {
      const scheduled = this.nextAt;
      this.nextAt = this.realignAt ?? this.nextAt + intervalMs;
      this.realignAt = undefined;
      this.inflight = this.scrapeOnce(scheduled).finally(() => {
        this.inflight = undefined;
        this.arm();
      });
    }, this.nextAt - wall);
  }

  /**
   * scrapeOnce runs one scrape now; the loop's timer calls it, tests may too. Never rejects. When the timer
   * fired within 2 ms of its schedule, the schedule becomes the timestamp (as Prometheus aligns scrape
   * timestamps): exactly regular timestamps compress better in storage.
   */
  async scrapeOnce(scheduledAt?: number): Promise<void> {
    try {
      await this.scrape(scheduledAt);
    } catch (e) {
      // Only a broken storage gets here (appender() or a non-AppendError throw): report it, keep the loop.
      this.health = 'down';
      this.lastError = `storage error: ${message(e)}`;
      this.deps.log('error', `scrape of ${this.deps.target.url}: ${this.lastError}`);
    }
  }

  private async scrape(scheduledAt: number | undefined): Promise<void> {
    const { deps } = this;
    let t = deps.now();
    if (scheduledAt !== undefined && Math.abs(t - scheduledAt) <= Math.min(2, deps.settings.intervalMs / 100))
      t = scheduledAt;
    const started = performance.now();
    let err: unknown;
    let res: AppendResult | undefined;
    let resp: ScrapeResponse | undefined;
    try {
      resp = await deps.fetcher.fetch(deps.target.url, {
        timeoutMs: deps.settings.timeoutMs,
        bodySizeLimit: deps.settings.bodySizeLimit,
        signal: this.abort.signal,
      });
    } catch (e) {
      err = e;
    }
    if (this.stopped) return; // stop() writes the final markers itself.
    let app = deps.appender();
    if (resp !== undefined) {
      try {
        const parser = deps.createParser(resp.body, resp.contentType);
        res = appendScrape(parser, app, this.cache, deps.settings.append, t);
      } catch (e) {
        err = e;
        app.rollback();
        app = deps.appender();
      }
    }
    if (err !== undefined) {
      this.cache.failBegin();
      writeStaleMarkers(app, this.cache, t);
    }
    try {
      await app.commit();
    } catch (e) {
      deps.log('error', `scrape of ${deps.target.url}: commit failed: ${message(e)}`);
      if (err === undefined) {
        err = e;
        this.cache.failBegin();
      }
    }
    if (err === undefined && res !== undefined) {
      this.cache.succeed();
      for (const [name, m] of res.metadata) this.cache.metadata.set(name, m);
    } else {
      this.cache.failEnd();
    }
    const duration = (performance.now() - started) / 1000;
    const ok = err === undefined;
    // Like Prometheus, a scrape refused for sample_limit still reports how many samples the target exposed.
    const counts = ok ? res! : err instanceof ScrapeLimitError ? err.counts : undefined;
    const rapp = deps.appender();
    this.report.write(rapp, t, {
      up: ok ? 1 : 0,
      durationSeconds: duration,
      scraped: counts?.scraped ?? 0,
      postRelabel: counts?.postRelabel ?? 0,
      seriesAdded: ok ? res!.seriesAdded : 0,
    });
    try {
      await rapp.commit();
      this.report.committed();
    } catch (e) {
      this.report.forgetRefs();
      deps.log('error', `scrape of ${deps.target.url}: commit of the synthetic series failed: ${message(e)}`);
    }
    this.lastT = t;
    this.lastScrape = t;
    this.lastScrapeDuration = duration;
    this.health = ok ? 'up' : 'down';
    this.lastError = ok ? refusedSummary(res!) : describe(err);
    if (!ok) deps.log('debug', `scrape of ${deps.target.url} failed: ${this.lastError}`);
    else if (res!.outOfOrder + res!.duplicate + res!.outOfBounds > 0)
      deps.log(
        'warn',
        `scrape of ${deps.target.url}: ${res!.outOfOrder} out-of-order, ${res!.duplicate} duplicate and ` +
          `${res!.outOfBounds} out-of-bounds samples dropped`,
      );
    this.scrapes++;
  }

  /**
   * stop ends the loop: no further scrape starts, an in-flight fetch is aborted and in-flight appends are
   * awaited. With markStale, every series of the last scrape and the synthetic series get a staleness
   * marker, so queries stop showing the target at once instead of after the lookback window.
   */
  async stop(markStale: boolean): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.inflight;
    // A loop that took over a cache and has not scraped yet ends its predecessor's series.
    const lastT = this.lastT ?? this.deps.predecessor?.lastT;
    if (!markStale || lastT === undefined) return;
    const t = Math.max(this.deps.now(), lastT + 1);
    const app = this.deps.appender();
    this.cache.failBegin();
    writeStaleMarkers(app, this.cache, t);
    this.report.writeStale(app, t);
    try {
      await app.commit();
    } catch (e) {
      this.deps.log('error', `stale markers for ${this.deps.target.url}: commit failed: ${message(e)}`);
    }
    this.cache.failEnd();
  }
}

/** describe renders a scrape failure for lastError; a parse error keeps its "line L, column C" text. */
function describe(err: unknown): string {
  if (err instanceof ExpositionError) return `parse error at ${err.message}`;
  return message(err);
}

function message(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { code?: string }).code;
    return cause !== undefined && !err.message.includes(cause) ? `${err.message} (${cause})` : err.message;
  }
  return String(err);
}

/** refusedSummary is the lastError of a scrape whose every sample storage refused; empty otherwise. */
function refusedSummary(res: AppendResult): string {
  const refused = res.outOfOrder + res.duplicate + res.outOfBounds;
  if (refused === 0 || res.appended > 0) return '';
  return (
    `storage refused all ${refused} samples: ${res.outOfOrder} out of order, ${res.duplicate} duplicate, ` +
    `${res.outOfBounds} out of bounds`
  );
}
