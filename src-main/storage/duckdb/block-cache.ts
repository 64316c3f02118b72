import type { Block } from './block-catalog';

/** DecodedSeries is all of one series' samples in one block, decoded (stale markers as STALE_NAN). */
export interface DecodedSeries {
  t: Float64Array;
  v: Float64Array;
}

/** DEFAULT_BLOCK_CACHE_BYTES bounds the decoded samples kept between queries (16 B each): 4 M samples. */
export const DEFAULT_BLOCK_CACHE_BYTES = 64 * 1024 * 1024;

/** KEY_IDS is the id space per block in a cache key (seq · KEY_IDS + id stays an exact double). */
const KEY_IDS = 2 ** 22;

/**
 * BlockCache keeps decoded series of compacted blocks, least recently used out first, within a byte
 * budget. A block table never changes once written (late data forms another block; retention drops whole
 * blocks), so an entry never goes stale: a dashboard refreshed over the same hours skips DuckDB's chunk
 * transfer and the decoder, which is where most of a warm select's time went. Blocks dropped by retention
 * age out of the LRU order like any other entry.
 */
export class BlockCache {
  private readonly entries = new Map<number, DecodedSeries>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number) {}

  /** get returns (and marks as recently used) series id's samples of block b, or undefined. */
  get(b: Block, id: number): DecodedSeries | undefined {
    const key = b.seq * KEY_IDS + id;
    const e = this.entries.get(key);
    if (e === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  /** put stores series id's samples of block b, evicting the least recently used past the budget. */
  put(b: Block, id: number, s: DecodedSeries): void {
    const size = s.t.byteLength + s.v.byteLength + 64;
    if (size > this.maxBytes || id >= KEY_IDS) return;
    const key = b.seq * KEY_IDS + id;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.bytes -= old.t.byteLength + old.v.byteLength + 64;
    }
    this.entries.set(key, s);
    this.bytes += size;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.t.byteLength + e.v.byteLength + 64;
    }
  }

  /** size is the bytes held, for tests and stats. */
  get size(): number {
    return this.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

const caches = new WeakMap<object, BlockCache>();

/**
 * blockCacheOf returns the cache of one store (created on first use with `maxBytes`): queriers are made per
 * call, the cache must outlive them.
 */
export function blockCacheOf(store: object, maxBytes: number): BlockCache {
  let c = caches.get(store);
  if (c === undefined || c.maxBytes !== maxBytes) caches.set(store, (c = new BlockCache(maxBytes)));
  return c;
}
