// range-loader.ts: how panels fetch their ranges. A host dashboard opens 20 panels at once: their queries
// go out together in one batch request (api/batch.ts), steps follow the chart's width in pixels, windows
// are aligned to the step, and answers are kept briefly so the kiosk's rotation and a panel that re-mounts
// reuse them instead of asking again. Without batching, a small pool keeps a few single queries in flight:
// firing them all at once only queues them behind the browser's six connections.
import { queryBatcher, urlBatching } from '../api/batch';
import { queryRange, type MatrixItem, type RangeOptions } from '../api/client';

/** LoaderOptions tune the pool and the cache. */
export interface LoaderOptions {
  /** concurrency is how many range queries run at once (4: leaves room for the live stream and others). */
  concurrency?: number;
  /** cacheEntries bounds the answers kept (oldest dropped first). */
  cacheEntries?: number;
  /** cacheMs is how long an answer stays reusable. */
  cacheMs?: number;
  /** fetchRange runs one query (the API client by default; tests pass a fake). */
  fetchRange?: (expr: string, r: RangeOptions) => Promise<MatrixItem[]>;
  now?: () => number;
}

/** NICE_STEPS are the steps (s) a chart may use, so panels of different widths share cached answers. */
export const NICE_STEPS = [10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

/** MAX_POINTS and MIN_POINTS bound a series' points whatever the chart's width. */
export const MAX_POINTS = 500;
export const MIN_POINTS = 100;

/**
 * stepForWidth picks a step that gives about one point per pixel of the chart (between MIN_POINTS and
 * MAX_POINTS), rounded up to a nice step and never below the 10 s scrape interval.
 */
export function stepForWidth(rangeSeconds: number, widthPx: number): number {
  const points = Math.min(MAX_POINTS, Math.max(MIN_POINTS, Math.round(widthPx) || MAX_POINTS));
  const raw = rangeSeconds / points;
  return NICE_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 86400) * 86400;
}

/** alignWindow snaps a window to multiples of the step, so repeated loads ask for the same points. */
export function alignWindow(start: number, end: number, step: number): { start: number; end: number } {
  return { start: Math.floor(start / step) * step, end: Math.floor(end / step) * step };
}

/** RangeLoader runs range queries through a bounded pool with a short-lived cache. */
export class RangeLoader {
  private readonly concurrency: number;
  private readonly cacheEntries: number;
  private readonly cacheMs: number;
  private readonly fetchRange: (expr: string, r: RangeOptions) => Promise<MatrixItem[]>;
  private readonly now: () => number;
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private readonly cache = new Map<string, { at: number; answer: Promise<MatrixItem[]> }>();

  constructor(o: LoaderOptions = {}) {
    this.concurrency = o.concurrency ?? 4;
    this.cacheEntries = o.cacheEntries ?? 300;
    this.cacheMs = o.cacheMs ?? 60_000;
    this.fetchRange = o.fetchRange ?? queryRange;
    this.now = o.now ?? Date.now;
  }

  /** load returns a range query's series, from the cache when the same window was asked recently. */
  load(expr: string, r: RangeOptions): Promise<MatrixItem[]> {
    const key = `${r.start}|${r.end}|${r.step}|${expr}`;
    const hit = this.cache.get(key);
    const now = this.now();
    if (hit !== undefined && now - hit.at < this.cacheMs) return hit.answer;
    const answer = this.run(() => this.fetchRange(expr, r));
    this.cache.delete(key);
    this.cache.set(key, { at: now, answer });
    // A failed answer is not kept: the next load tries again.
    answer.catch(() => this.cache.get(key)?.answer === answer && this.cache.delete(key));
    while (this.cache.size > this.cacheEntries) this.cache.delete(this.cache.keys().next().value!);
    return answer;
  }

  /** inFlight is how many queries run now (tests). */
  get inFlight(): number {
    return this.running;
  }

  private async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((go) => this.queue.push(go));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}

/**
 * urlConcurrency reads `?queryConcurrency=N` (1–32) from the page's URL: a slow appliance's kiosk can ask
 * for fewer parallel queries, and the UI benchmark compares settings within one run.
 */
export function urlConcurrency(href: string | undefined): number | undefined {
  if (href === undefined) return undefined;
  const n = Number(new URL(href).searchParams.get('queryConcurrency') ?? NaN);
  return Number.isInteger(n) && n >= 1 && n <= 32 ? n : undefined;
}

/**
 * rangeLoader is the page-wide loader every panel shares. Its queries go out batched (api/batch.ts: one
 * request, so no pool is needed in front of it); with batching off (`?queryBatch=0`) they go one by one
 * through the pool.
 */
export const rangeLoader = urlBatching(globalThis.location?.href)
  ? new RangeLoader({ concurrency: Infinity, fetchRange: (expr, r) => queryBatcher.range(expr, r) })
  : new RangeLoader({ concurrency: urlConcurrency(globalThis.location?.href) });
