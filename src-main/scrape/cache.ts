import type { MetricMetadata, SeriesRef } from '../storage/api';

/** NO_SLOT is what ScrapeCache.get returns for a series key it does not know. */
export const NO_SLOT = -1;

/**
 * ScrapeCache maps the raw text of an exposed series (parser.seriesKey()) to its storage ref, so a
 * steady-state scrape never builds a label set. It also remembers which series the previous successful
 * scrape appended, so the next one can write staleness markers for those that vanished. One cache belongs
 * to one target.
 *
 * Memory: a series costs its key (one flat string), one Map entry and a few bytes in typed arrays, indexed
 * by a slot number; no object per series. The final labels are not kept: storage knows them by ref, and a
 * staleness marker is appended by ref alone (as Prometheus does). Nor does a scrape allocate per series:
 * the current/previous sets are two bits per slot, where Maps rebuilt every scrape were promoted to V8's old
 * generation and drove major GCs. At 50 hosts × 1000 series (bench/ingest/ab-serve.ts, one run, same fleet)
 * this and the appender's reuse of buffers took ingest from 7.6 to 5.2 CPU-s per million samples.
 */
export class ScrapeCache {
  private iter = 1;
  /** slotOf maps a raw series key to its slot in the typed arrays below. */
  private readonly slotOf = new Map<string, number>();
  /** refs holds each slot's storage ref. */
  private refs = new Float64Array(64);
  /** lastIter is the scrape iteration that last saw each slot's key. */
  private lastIter = new Uint32Array(64);
  /** tracked holds per slot: bit CUR = appended by the current scrape, bit PREV = by the previous one. */
  private tracked = new Uint8Array(64);
  /** freeSlots lists slots whose key was forgotten, reused before new ones. */
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  /** Keys added during the current scrape, forgotten again if it fails. */
  private readonly added: string[] = [];
  /** metadata last committed per metric family, to send setMetadata only on change. */
  readonly metadata = new Map<string, MetricMetadata>();
  /** familySeen is the iteration that last exposed each family, to forget families gone for long. */
  private readonly familySeen = new Map<string, number>();
  /** successfulSize is the cache size after the last successful scrape, to bound growth on failures. */
  private successfulSize = 0;

  /** get returns the slot of a raw series key (NO_SLOT when unknown) and marks it seen in this iteration. */
  get(key: string): number {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return NO_SLOT;
    this.lastIter[slot] = this.iter;
    return slot;
  }

  /** ref is the storage ref of a slot. */
  ref(slot: number): SeriesRef {
    return this.refs[slot]!;
  }

  /**
   * seenThisScrape tells whether a slot's series was already appended by the current scrape (the same line
   * twice). Two spellings of one series (labels in another order) have two slots; storage refuses the
   * second sample at the same time as a duplicate.
   */
  seenThisScrape(slot: number): boolean {
    return (this.tracked[slot]! & CUR) !== 0;
  }

  /**
   * add records a series that was just appended for the first time and returns its slot. The key is copied
   * into a flat string: the parser hands out slices of the body, and a long-lived slice would keep that
   * whole body alive.
   */
  add(key: string, ref: SeriesRef): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.nextSlot++;
      if (slot === this.refs.length) this.grow();
    }
    this.refs[slot] = ref;
    this.lastIter[slot] = this.iter;
    this.tracked[slot] = 0;
    this.slotOf.set(ownString(key), slot);
    this.added.push(key);
    return slot;
  }

  /**
   * noteFamily records that the current scrape exposed TYPE/HELP/UNIT for a family and returns the cache's
   * own copy of its name (a slice of the body would keep the whole body alive for as long as it is kept).
   */
  noteFamily(name: string): string {
    if (this.familySeen.has(name)) {
      this.familySeen.set(name, this.iter);
      return name;
    }
    const own = ownString(name);
    this.familySeen.set(own, this.iter);
    return own;
  }

  /** track marks a slot's series as present in the current scrape, so it is not marked stale. */
  track(slot: number): void {
    this.tracked[slot]! |= CUR;
  }

  /** stale lists the refs the previous scrape appended and the current one did not. */
  stale(): SeriesRef[] {
    const out: SeriesRef[] = [];
    const tracked = this.tracked;
    for (let slot = 0; slot < this.nextSlot; slot++) if (tracked[slot] === PREV) out.push(this.refs[slot]!);
    return out;
  }

  /** size is the number of cached series keys. */
  get size(): number {
    return this.slotOf.size;
  }

  /**
   * succeed ends a scrape whose samples were committed: forget keys not seen in it (series churn and
   * alternate spellings) and make its series the baseline for the next staleness check.
   */
  succeed(): void {
    // Walking the Map allocates an entry per key: only when some key was not seen (checked on the arrays).
    if (this.anyUnseen())
      for (const [k, slot] of this.slotOf) if (this.lastIter[slot] !== this.iter) this.free(k, slot);
    // Keep metadata of a family for 10 scrapes after it vanished, as Prometheus does.
    this.familySeen.forEach((seen, name) => {
      if (this.iter - seen <= 10) return;
      this.familySeen.delete(name);
      this.metadata.delete(name);
    });
    this.successfulSize = this.slotOf.size;
    this.rotate();
  }

  /**
   * failBegin starts closing a scrape that wrote nothing (fetch, parse or limit error): its new keys are
   * dropped, and an empty "current" set makes every series of the previous scrape stale, as for an empty
   * scrape.
   */
  failBegin(): void {
    for (const k of this.added) {
      const slot = this.slotOf.get(k);
      if (slot !== undefined) this.free(k, slot);
    }
    this.added.length = 0;
    const tracked = this.tracked;
    for (let slot = 0; slot < this.nextSlot; slot++) tracked[slot]! &= PREV;
  }

  /** failEnd closes a failed scrape after its staleness markers were written. */
  failEnd(): void {
    if (this.slotOf.size > this.successfulSize * 2 + 1000) {
      this.slotOf.clear();
      this.freeSlots.length = 0;
      this.tracked.fill(0);
      this.nextSlot = 0;
    }
    this.rotate();
  }

  /** anyUnseen tells whether some live slot was not seen by the current scrape (a key to forget). */
  private anyUnseen(): boolean {
    const it = this.iter;
    const lastIter = this.lastIter;
    let live = 0;
    for (let slot = 0; slot < this.nextSlot; slot++) if (lastIter[slot] === it) live++;
    return live !== this.slotOf.size;
  }

  private free(key: string, slot: number): void {
    this.slotOf.delete(key);
    this.tracked[slot] = 0;
    this.lastIter[slot] = 0;
    this.freeSlots.push(slot);
  }

  /** rotate makes the current scrape's series the previous ones, in place (no allocation per scrape). */
  private rotate(): void {
    const tracked = this.tracked;
    for (let slot = 0; slot < this.nextSlot; slot++) tracked[slot] = (tracked[slot]! & CUR) << 1;
    this.added.length = 0;
    this.iter++;
  }

  private grow(): void {
    const n = this.refs.length * 2;
    const refs = new Float64Array(n);
    const lastIter = new Uint32Array(n);
    const tracked = new Uint8Array(n);
    refs.set(this.refs);
    lastIter.set(this.lastIter);
    tracked.set(this.tracked);
    this.refs = refs;
    this.lastIter = lastIter;
    this.tracked = tracked;
  }
}

/** CUR and PREV are the bits of ScrapeCache.tracked. */
const CUR = 1;
const PREV = 2;

/**
 * ownString returns a copy of s that shares no memory with the string it was sliced from: V8 makes slices
 * of 13 or more characters views into their parent, the whole scrape body.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}
