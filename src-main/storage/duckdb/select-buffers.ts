/**
 * select-buffers.ts lends selects the buffers they assemble their answers in and takes them back once the
 * engine is done (Querier.release). A 24 h dashboard selects ~130 MB of samples per refresh; allocating
 * them anew each time is "external memory" to V8, and every 64 MB of it forces a full mark-compact GC
 * (most of a warm dashboard's GC time). Reused buffers are not zeroed: assemble writes every element.
 */

/** POOL_BUFFERS_MAX bounds how many free buffers are kept, whatever their size. */
const POOL_BUFFERS_MAX = 64;
/** GRAIN rounds buffer sizes up (in elements) so that selects of similar size share buffers. */
const GRAIN = 8192;

/** SelectBuffers is a store's pool of free Float64 buffers, within a byte budget. */
export class SelectBuffers {
  private readonly free: ArrayBuffer[] = [];
  private freeBytes = 0;
  private readonly lent = new WeakSet<ArrayBuffer>();
  reused = 0;
  allocated = 0;

  constructor(readonly maxBytes: number) {}

  /** take returns an array of n elements (contents undefined), reusing a free buffer at most about twice as big. */
  take(n: number): Float64Array {
    const need = n * 8;
    const grained = Math.ceil(Math.max(n, 1) / GRAIN) * GRAIN * 8;
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i]!.byteLength;
      if (size >= need && size <= grained * 2 && (best < 0 || size < this.free[best]!.byteLength)) best = i;
    }
    if (best >= 0) {
      const b = this.free.splice(best, 1)[0]!;
      this.freeBytes -= b.byteLength;
      this.lent.add(b);
      this.reused++;
      return new Float64Array(b, 0, n);
    }
    this.allocated++;
    if (need > this.maxBytes) return new Float64Array(n);
    const b = new ArrayBuffer(grained);
    this.lent.add(b);
    return new Float64Array(b, 0, n);
  }

  /** give takes back a buffer lent by take (others, and buffers given twice, are ignored). */
  give(b: ArrayBufferLike): void {
    if (!(b instanceof ArrayBuffer) || !this.lent.has(b)) return;
    this.lent.delete(b);
    if (this.free.length >= POOL_BUFFERS_MAX || this.freeBytes + b.byteLength > this.maxBytes) return;
    this.free.push(b);
    this.freeBytes += b.byteLength;
  }

  /** size is the bytes of free buffers held. */
  get size(): number {
    return this.freeBytes;
  }
}

const pools = new WeakMap<object, SelectBuffers>();

/** selectBuffersOf returns the pool of one store (created on first use with maxBytes), like blockCacheOf. */
export function selectBuffersOf(store: object, maxBytes: number): SelectBuffers {
  let p = pools.get(store);
  if (p === undefined || p.maxBytes !== maxBytes) pools.set(store, (p = new SelectBuffers(maxBytes)));
  return p;
}
