import type { Labels } from '../common/labels';
import type { MetricMetadata, SeriesRef } from '../storage/api';

/** CacheEntry is what the scrape cache knows about one exposed series: its storage ref and final labels. */
export interface CacheEntry {
  ref: SeriesRef;
  labels: Labels;
  /** lastIter is the scrape iteration that last saw the series. */
  lastIter: number;
}

/**
 * ScrapeCache maps the raw text of an exposed series (parser.seriesKey()) to its storage ref and final
 * labels, so a steady-state scrape never builds a label set. It also remembers which series the previous
 * successful scrape appended, so the next one can write staleness markers for those that vanished.
 * One cache belongs to one target.
 */
export class ScrapeCache {
  private iter = 1;
  private readonly series = new Map<string, CacheEntry>();
  /** Series appended by the current scrape, keyed by ref (two spellings of a series share one ref). */
  private cur = new Map<SeriesRef, CacheEntry>();
  /** Series appended by the previous completed scrape. */
  private prev = new Map<SeriesRef, CacheEntry>();
  /** Keys added during the current scrape, forgotten again if it fails. */
  private readonly added: string[] = [];
  /** metadata last committed per metric family, to send setMetadata only on change. */
  readonly metadata = new Map<string, MetricMetadata>();
  /** familySeen is the iteration that last exposed each family, to forget families gone for long. */
  private readonly familySeen = new Map<string, number>();
  /** successfulSize is the cache size after the last successful scrape, to bound growth on failures. */
  private successfulSize = 0;

  /** get returns the entry of a raw series key and marks it seen in this iteration. */
  get(key: string): CacheEntry | undefined {
    const e = this.series.get(key);
    if (e !== undefined) e.lastIter = this.iter;
    return e;
  }

  /** seenThisScrape tells whether an entry was already appended by the current scrape (a duplicate line). */
  seenThisScrape(e: CacheEntry): boolean {
    return this.cur.has(e.ref);
  }

  /**
   * add records a series that was just appended for the first time. The key and labels are copied into
   * flat strings: the parser may hand out slices of the body, and a long-lived slice would keep that whole
   * body alive.
   */
  add(key: string, ref: SeriesRef, labels: Labels): CacheEntry {
    const own: Record<string, string> = {};
    for (const n in labels) own[flatten(n)] = flatten(labels[n]!);
    const e: CacheEntry = { ref, labels: own, lastIter: this.iter };
    this.series.set(flatten(key), e);
    this.added.push(key);
    return e;
  }

  /** noteFamily records that the current scrape exposed TYPE/HELP/UNIT for a family. */
  noteFamily(name: string): void {
    this.familySeen.set(name, this.iter);
  }

  /** track marks a series as present in the current scrape, so it is not marked stale. */
  track(e: CacheEntry): void {
    this.cur.set(e.ref, e);
  }

  /** stale lists series the previous scrape appended and the current one did not. */
  stale(): CacheEntry[] {
    const out: CacheEntry[] = [];
    for (const [ref, e] of this.prev) if (!this.cur.has(ref)) out.push(e);
    return out;
  }

  /** size is the number of cached series keys. */
  get size(): number {
    return this.series.size;
  }

  /**
   * succeed ends a scrape whose samples were committed: forget keys not seen in it (series churn and
   * alternate spellings) and make its series the baseline for the next staleness check.
   */
  succeed(): void {
    for (const [k, e] of this.series) if (e.lastIter !== this.iter) this.series.delete(k);
    // Keep metadata of a family for 10 scrapes after it vanished, as Prometheus does.
    for (const [name, seen] of this.familySeen)
      if (this.iter - seen > 10) {
        this.familySeen.delete(name);
        this.metadata.delete(name);
      }
    this.successfulSize = this.series.size;
    this.rotate();
  }

  /**
   * fail ends a scrape that wrote nothing (fetch, parse or limit error): its new keys are dropped, and an
   * empty "current" set makes every series of the previous scrape stale, as for an empty scrape.
   */
  failBegin(): void {
    for (const k of this.added) this.series.delete(k);
    this.added.length = 0;
    this.cur.clear();
  }

  /** failEnd closes a failed scrape after its staleness markers were written. */
  failEnd(): void {
    if (this.series.size > this.successfulSize * 2 + 1000) this.series.clear();
    this.rotate();
  }

  private rotate(): void {
    const p = this.prev;
    this.prev = this.cur;
    this.cur = p;
    this.cur.clear();
    this.added.length = 0;
    this.iter++;
  }
}

/** flatten returns a copy of s that shares no memory with the string it was sliced from. */
function flatten(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}
