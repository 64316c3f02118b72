import { BIGINT, DOUBLE, DuckDBDataChunk, INTEGER, type DuckDBVector } from '@duckdb/node-api';
import { STALE_NAN, isStaleNaN } from '../../common/sample';

/**
 * vectors.ts is the hot path between DuckDB data chunks and typed arrays. @duckdb/node-api keeps each
 * fixed-width vector's values in a typed array over the chunk's memory but declares it private; reading it
 * directly is 2-3x faster than getItem() per value, which matters at millions of samples per query. Every
 * access checks the runtime shape and falls back to the public getItem/setItem when the library changes.
 */

interface RawVector {
  items?: unknown;
  validity?: { data?: unknown };
}

/** rawItems returns the typed array behind a vector when it has the expected class, else null. */
function rawItems<T extends Float64Array | Int32Array | BigInt64Array>(
  v: DuckDBVector,
  ctor: new (...args: never[]) => T,
): T | null {
  const items = (v as unknown as RawVector).items;
  return items instanceof ctor ? items : null;
}

/** validityBytes returns the validity bitmap of a vector as bytes, or null when every row is valid. */
function validityBytes(v: DuckDBVector): Uint8Array | null | undefined {
  const data = (v as unknown as RawVector).validity?.data;
  if (data === null) return null;
  if (data instanceof BigUint64Array) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/** SampleSink receives the rows of a result chunk: a series number (id or block rank), a time, a value. */
export type SampleSink = (key: number, t: number, v: number) => void;

/**
 * readSampleChunk feeds every row of a chunk with columns (INTEGER key, DOUBLE t, DOUBLE v) to sink, turning
 * a NULL value (how the store keeps staleness markers) back into STALE_NAN.
 */
export function readSampleChunk(chunk: DuckDBDataChunk, sink: SampleSink): void {
  const n = chunk.rowCount;
  const kv = chunk.getColumnVector(0);
  const tv = chunk.getColumnVector(1);
  const vv = chunk.getColumnVector(2);
  const k = rawItems(kv, Int32Array);
  const t = rawItems(tv, Float64Array);
  const v = rawItems(vv, Float64Array);
  const valid = validityBytes(vv);
  if (k === null || t === null || v === null || valid === undefined) {
    for (let i = 0; i < n; i++) {
      const x = vv.getItem(i) as number | null;
      sink(kv.getItem(i) as number, tv.getItem(i) as number, x === null ? STALE_NAN : x);
    }
    return;
  }
  if (valid === null) {
    for (let i = 0; i < n; i++) sink(k[i]!, t[i]!, v[i]!);
    return;
  }
  for (let i = 0; i < n; i++) sink(k[i]!, t[i]!, ((valid[i >> 3]! >> (i & 7)) & 1) === 0 ? STALE_NAN : v[i]!);
}

/** LITTLE_ENDIAN tells whether a BigInt64Array's words can be written as (low, high) Int32 pairs. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** VECTOR_SIZE is DuckDB's standard chunk capacity. */
export const VECTOR_SIZE = 2048;

/**
 * SampleChunkWriter fills (INTEGER series_id, BIGINT t, DOUBLE v) data chunks for the Appender, writing
 * STALE_NAN as NULL because DuckDB does not promise to keep a NaN's payload bits.
 */
export class SampleChunkWriter {
  private chunk = DuckDBDataChunk.create([INTEGER, BIGINT, DOUBLE]);
  private dirtyValidity = false;

  /** fill writes rows [from, from + n) of the columns into the chunk (n ≤ VECTOR_SIZE) and returns it. */
  fill(ids: Int32Array, ts: Float64Array, vs: Float64Array, from: number, n: number): DuckDBDataChunk {
    if (this.dirtyValidity) {
      this.chunk = DuckDBDataChunk.create([INTEGER, BIGINT, DOUBLE]);
      this.dirtyValidity = false;
    }
    const c = this.chunk;
    c.rowCount = n;
    const iv = c.getColumnVector(0);
    const tv = c.getColumnVector(1);
    const vv = c.getColumnVector(2);
    const ii = rawItems(iv, Int32Array);
    const ti = rawItems(tv, BigInt64Array);
    const vi = rawItems(vv, Float64Array);
    // BIGINT times are written as two 32-bit words: a BigInt per sample is a heap object, ~5000/s of
    // garbage at 50 hosts. Little-endian only (every platform Node ships on); else through BigInt.
    const tw = ti !== null && LITTLE_ENDIAN ? new Int32Array(ti.buffer, ti.byteOffset, ti.length * 2) : null;
    for (let j = 0; j < n; j++) {
      const id = ids[from + j]!;
      const t = ts[from + j]!;
      const v = vs[from + j]!;
      if (ii !== null) ii[j] = id;
      else iv.setItem(j, id);
      if (tw !== null && Number.isSafeInteger(t)) {
        const hi = Math.floor(t / 4294967296);
        tw[2 * j] = t - hi * 4294967296; // stored as the same 32 bits (two's complement)
        tw[2 * j + 1] = hi;
      } else if (ti !== null) ti[j] = BigInt(t);
      else tv.setItem(j, BigInt(t));
      if (v !== v && isStaleNaN(v)) {
        vv.setItem(j, null);
        this.dirtyValidity = true;
      } else if (vi !== null) vi[j] = v;
      else vv.setItem(j, v);
    }
    iv.flush();
    tv.flush();
    vv.flush();
    return c;
  }
}

/** BlockColumns are the typed arrays of one (INTEGER k, INTEGER dt, DOUBLE dv, DOUBLE v) result chunk. */
export interface BlockColumns {
  n: number;
  k: Int32Array;
  dt: Int32Array;
  dv: Float64Array;
  v: Float64Array;
  /** dvValid/vValid are validity bitmaps (bit set = not NULL), or null when the whole column is valid. */
  dvValid: Uint8Array | null;
  vValid: Uint8Array | null;
}

/** blockColumns exposes a block result chunk as typed arrays, copying through getItem only as a fallback. */
export function blockColumns(chunk: DuckDBDataChunk): BlockColumns {
  const n = chunk.rowCount;
  const vecs = [0, 1, 2, 3].map((i) => chunk.getColumnVector(i));
  const k = rawItems(vecs[0]!, Int32Array);
  const dt = rawItems(vecs[1]!, Int32Array);
  const dv = rawItems(vecs[2]!, Float64Array);
  const v = rawItems(vecs[3]!, Float64Array);
  const dvValid = validityBytes(vecs[2]!);
  const vValid = validityBytes(vecs[3]!);
  if (k !== null && dt !== null && dv !== null && v !== null && dvValid !== undefined && vValid !== undefined)
    return { n, k, dt, dv, v, dvValid, vValid };
  const out: BlockColumns = {
    n,
    k: new Int32Array(n),
    dt: new Int32Array(n),
    dv: new Float64Array(n),
    v: new Float64Array(n),
    dvValid: new Uint8Array((n + 7) >> 3),
    vValid: new Uint8Array((n + 7) >> 3),
  };
  for (let i = 0; i < n; i++) {
    out.k[i] = vecs[0]!.getItem(i) as number;
    out.dt[i] = vecs[1]!.getItem(i) as number;
    const x = vecs[2]!.getItem(i) as number | null;
    const y = vecs[3]!.getItem(i) as number | null;
    if (x !== null) {
      out.dv[i] = x;
      out.dvValid![i >> 3] |= 1 << (i & 7);
    }
    if (y !== null) {
      out.v[i] = y;
      out.vValid![i >> 3] |= 1 << (i & 7);
    }
  }
  return out;
}

/**
 * writeColumn copies a column into a chunk vector, with NULL where isNull[i] is 1: straight into the
 * vector's typed array and validity bitmap when they have the expected shape, else through setItem.
 */
function writeColumn(
  vec: DuckDBVector,
  ctor: typeof Int32Array | typeof Float64Array,
  values: Int32Array | Float64Array,
  isNull: Uint8Array | null,
  n: number,
): void {
  const items = rawItems(vec, ctor as new (...args: never[]) => Int32Array | Float64Array);
  let bits: Uint8Array | null | undefined = null;
  if (isNull !== null && items !== null) {
    let first = -1;
    for (let i = 0; i < n && first < 0; i++) if (isNull[i] === 1) first = i;
    if (first >= 0) {
      vec.setItem(first, null); // makes the library allocate the bitmap, which is then written directly
      bits = validityBytes(vec);
    }
  }
  if (items === null || bits === undefined) {
    for (let i = 0; i < n; i++) vec.setItem(i, isNull !== null && isNull[i] === 1 ? null : values[i]!);
  } else {
    items.set(values.subarray(0, n));
    if (bits !== null) for (let i = 0; i < n; i++) if (isNull![i] === 1) bits[i >> 3]! &= ~(1 << (i & 7));
  }
  vec.flush();
}

/**
 * BlockChunkWriter gathers block rows (INTEGER k, INTEGER dt, DOUBLE dv, DOUBLE v) in its own typed
 * arrays and emits them as full data chunks for a block's Appender.
 */
export class BlockChunkWriter {
  private readonly k = new Int32Array(VECTOR_SIZE);
  private readonly dt = new Int32Array(VECTOR_SIZE);
  private readonly dv = new Float64Array(VECTOR_SIZE);
  private readonly v = new Float64Array(VECTOR_SIZE);
  private readonly dvNull = new Uint8Array(VECTOR_SIZE);
  private readonly vNull = new Uint8Array(VECTOR_SIZE);
  private rows = 0;

  constructor(private readonly emit: (chunk: DuckDBDataChunk) => void) {}

  /** add appends one row; kind 0 keeps dv, 1 keeps v, 2 (stale) keeps neither. */
  add(k: number, dt: number, kind: number, dv: number, v: number): void {
    const j = this.rows++;
    this.k[j] = k;
    this.dt[j] = dt;
    this.dv[j] = kind === 0 ? dv : 0;
    this.v[j] = kind === 1 ? v : 0;
    this.dvNull[j] = kind === 0 ? 0 : 1;
    this.vNull[j] = kind === 1 ? 0 : 1;
    if (this.rows === VECTOR_SIZE) this.flush();
  }

  /** flush emits the rows gathered so far (a partial last chunk included). */
  flush(): void {
    const n = this.rows;
    if (n === 0) return;
    const c = DuckDBDataChunk.create([INTEGER, INTEGER, DOUBLE, DOUBLE]);
    c.rowCount = n;
    writeColumn(c.getColumnVector(0), Int32Array, this.k, null, n);
    writeColumn(c.getColumnVector(1), Int32Array, this.dt, null, n);
    writeColumn(c.getColumnVector(2), Float64Array, this.dv, this.dvNull, n);
    writeColumn(c.getColumnVector(3), Float64Array, this.v, this.vNull, n);
    this.emit(c);
    this.rows = 0;
  }
}
