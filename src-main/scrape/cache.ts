import type { MetricMetadata, SeriesRef } from '../storage/api';
import { MetadataLines } from './metadata-lines';

/** NO_SLOT is what ScrapeCache.get returns for a series key it does not know. */
export const NO_SLOT = -1;

/** KeySource is the parser's view of the current series' key: compared in place, or sliced out. */
export interface KeySource {
  seriesKey(): string;
  seriesKeyIs(key: string): boolean;
}

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
 *
 * Order: a scrape meets its series in the order of the last one, so find() checks that guess in place and
 * hands it to the parser as expectKey(), which then skips the label-block scan of a line with that exact
 * text; metaLines does the same for TYPE/HELP lines. With a cheaper HTTP client, appendScrape went from
 * ~1150 to ~690 µs per 1000-series scrape, and ab-serve (same run) from 6.73 to 4.39 CPU-s per 1M samples.
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
  /** keys holds each live slot's key (the same string as in slotOf), undefined for a free slot. */
  private keys: (string | undefined)[] = [];
  /**
   * prevOrder lists the slots in the order the last successful scrape met them, curOrder those of the current
   * scrape so far; posOf is each slot's position in prevOrder (-1: none), expect the position find() checks
   * next. An exporter writes its series in the same order every time, so find() mostly compares one key in
   * place instead of slicing and hashing it for a Map lookup.
   */
  private prevOrder = new Int32Array(64);
  private prevLen = 0;
  private curOrder = new Int32Array(64);
  private curLen = 0;
  private posOf = new Int32Array(64).fill(-1);
  private expect = 0;
  /**
   * orderFormat is the exposition format of the scrape prevOrder comes from, curFormat the current one's:
   * expectedKey() hints a key only to a body of the same format, because what is a valid key differs.
   */
  private orderFormat = '';
  private curFormat = '';
  /** freeSlots lists slots whose key was forgotten, reused before new ones. */
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  /** Keys added during the current scrape, forgotten again if it fails. */
  private readonly added: string[] = [];
  /** metaLines are the TYPE/HELP/UNIT lines of the last successful scrape, to skip unchanged metadata. */
  readonly metaLines = new MetadataLines();
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
    const p = this.posOf[slot]!;
    if (p >= 0) this.expect = p + 1;
    return this.seen(slot);
  }

  /** begin starts a scrape of a body in `format` (the parser's format). */
  begin(format: string): void {
    this.curFormat = format;
  }

  /**
   * expectedKey is the key of the series that followed the last one found, in the previous successful
   * scrape of a body in the same format: what the next series line most likely is (undefined: no guess).
   */
  expectedKey(): string | undefined {
    if (this.expect >= this.prevLen || this.curFormat !== this.orderFormat) return undefined;
    return this.keys[this.prevOrder[this.expect]!];
  }

  /**
   * find is get() for the parser's current series: it first compares the key in place against the series
   * that followed the last one found in the previous scrape, and slices the key for a Map lookup only when
   * that is not it. Same answer as get(src.seriesKey()).
   */
  find(src: KeySource): number {
    const i = this.expect;
    if (i < this.prevLen) {
      const slot = this.prevOrder[i]!;
      const k = this.keys[slot];
      if (k !== undefined && src.seriesKeyIs(k)) {
        this.expect = i + 1;
        return this.seen(slot);
      }
    }
    return this.get(src.seriesKey());
  }

  /** seen marks a slot met by the current scrape and notes its position for the next scrape's find(). */
  private seen(slot: number): number {
    this.lastIter[slot] = this.iter;
    if (this.curLen === this.curOrder.length) this.curOrder = growInt32(this.curOrder, -1);
    this.curOrder[this.curLen++] = slot;
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
    this.tracked[slot] = 0;
    this.posOf[slot] = -1;
    const own = ownString(key);
    this.keys[slot] = own;
    this.slotOf.set(own, slot);
    this.added.push(own);
    return this.seen(slot);
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
    this.metaLines.succeed();
    this.rotate(true);
  }

  /**
   * failBegin starts closing a scrape that wrote nothing (fetch, parse or limit error): its new keys are
   * dropped, and an empty "current" set makes every series of the previous scrape stale, as for an empty
   * scrape.
   */
  failBegin(): void {
    this.metaLines.reset();
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
      this.keys = [];
      this.freeSlots.length = 0;
      this.tracked.fill(0);
      this.posOf.fill(-1);
      this.prevLen = 0;
      this.nextSlot = 0;
    }
    this.rotate(false);
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
    this.keys[slot] = undefined;
    this.posOf[slot] = -1;
    this.tracked[slot] = 0;
    this.lastIter[slot] = 0;
    this.freeSlots.push(slot);
  }

  /**
   * rotate makes the current scrape's series the previous ones, in place (no allocation per scrape); a
   * successful scrape's order also becomes the one the next scrape's find() expects.
   */
  private rotate(succeeded: boolean): void {
    const tracked = this.tracked;
    for (let slot = 0; slot < this.nextSlot; slot++) tracked[slot] = (tracked[slot]! & CUR) << 1;
    if (succeeded) {
      [this.prevOrder, this.curOrder] = [this.curOrder, this.prevOrder];
      this.prevLen = this.curLen;
      this.orderFormat = this.curFormat;
      const posOf = this.posOf;
      posOf.fill(-1, 0, this.nextSlot);
      for (let i = this.prevLen - 1; i >= 0; i--) posOf[this.prevOrder[i]!] = i;
    }
    this.curLen = 0;
    this.expect = 0;
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
    this.posOf = growInt32(this.posOf, -1);
  }
}

/** growInt32 returns a copy of a twice as long, the new half filled with `fill`. */
function growInt32(a: Int32Array, fill: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(a.length * 2).fill(fill, a.length);
  out.set(a);
  return out;
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
