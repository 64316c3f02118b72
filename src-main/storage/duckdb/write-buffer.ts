/**
 * WriteBuffer holds committed samples that are not yet in DuckDB, as three parallel typed arrays, in commit
 * order (so each series' samples are in time order). Queries read it alongside the database; a flush moves
 * it to the `head` table in one Appender pass. Its size is bounded by one flush interval of ingest.
 */
export class WriteBuffer {
  ids: Int32Array;
  ts: Float64Array;
  vs: Float64Array;
  length = 0;
  /** spare is a taken buffer given back after its flush (see recycle). */
  private spare: WriteBuffer | undefined;

  constructor(capacity = 4096) {
    this.ids = new Int32Array(capacity);
    this.ts = new Float64Array(capacity);
    this.vs = new Float64Array(capacity);
  }

  push(id: number, t: number, v: number): void {
    if (this.length === this.ids.length) this.grow();
    const i = this.length++;
    this.ids[i] = id;
    this.ts[i] = t;
    this.vs[i] = v;
  }

  /**
   * take hands the buffered rows over (for a flush) and starts an empty buffer, on the arrays a flush gave
   * back with recycle() when they are large enough: a flush per second then allocates no typed arrays.
   */
  take(): WriteBuffer {
    const out = this.spare ?? new WriteBuffer(0);
    this.spare = undefined;
    const [ids, ts, vs] = [out.ids, out.ts, out.vs];
    [out.ids, out.ts, out.vs, out.length] = [this.ids, this.ts, this.vs, this.length];
    // The next interval most likely takes as many rows as this one: start at its size, not regrow to it.
    const capacity = Math.max(4096, this.ids.length);
    if (ids.length >= capacity && ids.length <= 4 * capacity) {
      [this.ids, this.ts, this.vs] = [ids, ts, vs];
    } else {
      this.ids = new Int32Array(capacity);
      this.ts = new Float64Array(capacity);
      this.vs = new Float64Array(capacity);
    }
    this.length = 0;
    return out;
  }

  /** recycle gives back a buffer that take() returned, once its rows are stored, for the next take(). */
  recycle(rows: WriteBuffer): void {
    rows.length = 0;
    this.spare = rows;
  }

  /** prepend puts rows back in front of the buffer when a flush failed, keeping per-series time order. */
  prepend(rows: WriteBuffer): void {
    const mine = this.take();
    for (const b of [rows, mine]) for (let i = 0; i < b.length; i++) this.push(b.ids[i]!, b.ts[i]!, b.vs[i]!);
  }

  private grow(): void {
    const n = Math.max(64, this.ids.length * 2);
    const ids = new Int32Array(n);
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    ids.set(this.ids);
    ts.set(this.ts);
    vs.set(this.vs);
    [this.ids, this.ts, this.vs] = [ids, ts, vs];
  }
}
