import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { STALE_NAN } from '../../common/sample';
import { blockSeriesTable, blockTable, kRanges, ranksOf, type Block } from './block-catalog';
import type { DecodedSeries } from './block-cache';
import { POW10 } from './block-codec';
import { blockColumns, type BlockColumns } from './vectors';

/** SampleTarget collects the samples of one series, in time order. */
export interface SampleTarget {
  push(t: number, v: number): void;
}

/**
 * readBlock reads the samples of the wanted series ids in [mint, maxt] from one block and pushes them to
 * each id's target, decoding block-codec.ts's rows inline: this loop runs once per stored sample of every
 * selection, so it works on the chunk's typed arrays and keeps the decoder state in locals.
 */
export async function readBlock(
  conn: DuckDBConnection,
  b: Block,
  ids: readonly number[],
  mint: number,
  maxt: number,
  targets: readonly (SampleTarget | undefined)[],
): Promise<void> {
  const ks: number[] = [];
  const kOf = ranksOf(b);
  for (const id of ids) {
    const k = id < kOf.length ? kOf[id]! : -1;
    if (k >= 0) ks.push(k);
  }
  if (ks.length === 0) return;
  ks.sort((x, y) => x - y);
  const nK = b.seriesOfK.length;
  const want = new Uint8Array(nK);
  for (const k of ks) want[k] = 1;
  const baseT = new Float64Array(nK);
  const baseV = new Float64Array(nK);
  const scale = new Float64Array(nK);
  const basesQuery = await prepared(
    conn,
    `SELECT k, base_t::DOUBLE, base_v::DOUBLE, e FROM ${blockSeriesTable(b.seq)} WHERE k BETWEEN $1 AND $2`,
  );
  basesQuery.bindInteger(1, ks[0]!);
  basesQuery.bindInteger(2, ks[ks.length - 1]!);
  const bases = await basesQuery.runAndReadAll();
  for (const [k, bt, bv, e] of bases.getRows() as [number, number, number, number][]) {
    baseT[k] = bt;
    baseV[k] = bv;
    scale[k] = e >= 0 ? POW10[e]! : 1;
  }
  const decoder = new ChunkDecoder(baseT, baseV, scale, want, b.seriesOfK, targets, mint, maxt);
  for (const [lo, hi] of kRanges(ks)) {
    // Only a BETWEEN (which zone maps prune): the decoder relies on each series' rows arriving contiguous and
    // in insertion order, and DuckDB may turn a long `k IN (…)` list into a join that does not keep that
    // order; rows of unwanted series inside a range are skipped by the decoder instead.
    const rows = await prepared(
      conn,
      `SELECT k, dt, dv, v FROM ${blockTable(b.seq)} WHERE k BETWEEN $1 AND $2`,
    );
    rows.bindInteger(1, lo);
    rows.bindInteger(2, hi);
    const result = await rows.stream();
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      decoder.decode(blockColumns(chunk));
    }
  }
}

/** STATEMENTS_MAX bounds the prepared block queries kept per connection (two per recently read block). */
const STATEMENTS_MAX = 256;
const statements = new WeakMap<DuckDBConnection, Map<string, DuckDBPreparedStatement>>();

/**
 * prepared returns the connection's prepared statement for sql, prepared on first use: parsing and planning
 * a block query cost ~1 ms, more than decoding one series' rows of a block, and a 24 h select of one
 * series runs two per block. Block tables are never altered, only dropped (retention) after which their
 * statements are no longer asked for and age out of the LRU.
 */
async function prepared(conn: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  let byText = statements.get(conn);
  if (byText === undefined) statements.set(conn, (byText = new Map()));
  let p = byText.get(sql);
  if (p !== undefined) {
    byText.delete(sql);
    byText.set(sql, p);
    return p;
  }
  p = await conn.prepare(sql);
  byText.set(sql, p);
  if (byText.size > STATEMENTS_MAX) {
    const [oldest, stmt] = byText.entries().next().value!;
    byText.delete(oldest);
    stmt.destroySync();
  }
  return p;
}

/** SeriesGrower collects one series' decoded samples of a block into growing typed arrays. */
class SeriesGrower implements SampleTarget {
  t: Float64Array;
  v: Float64Array;
  n = 0;

  constructor(capacity: number) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }

  push(t: number, v: number): void {
    if (this.n === this.t.length) {
      const nt = new Float64Array(this.n * 2 + 16);
      const nv = new Float64Array(this.n * 2 + 16);
      nt.set(this.t);
      nv.set(this.v);
      this.t = nt;
      this.v = nv;
    }
    this.t[this.n] = t;
    this.v[this.n++] = v;
  }

  result(): DecodedSeries {
    const full = this.n === this.t.length;
    return {
      t: full ? this.t : this.t.slice(0, this.n),
      v: full ? this.v : this.v.slice(0, this.n),
    };
  }
}

/**
 * readBlockSeries decodes the samples in [mint, maxt] (by default all: what the block cache keeps) of the
 * given series ids in block b; ids without such samples are absent from the answer.
 */
export async function readBlockSeries(
  conn: DuckDBConnection,
  b: Block,
  ids: readonly number[],
  mint = -Infinity,
  maxt = Infinity,
): Promise<Map<number, DecodedSeries>> {
  const perSeries = Math.ceil(b.rows / Math.max(1, b.seriesOfK.length)) + 16;
  const targets: SeriesGrower[] = [];
  for (const id of ids) targets[id] = new SeriesGrower(perSeries);
  await readBlock(conn, b, ids, mint, maxt, targets);
  const out = new Map<number, DecodedSeries>();
  for (const id of ids) {
    const g = targets[id]!;
    if (g.n > 0) out.set(id, g.result());
  }
  return out;
}

/**
 * ChunkDecoder turns block rows back into samples. Rows of one k arrive contiguous and in time order
 * (insertion order is preserved), so t and the scaled value are running sums carried from chunk to chunk;
 * the time range is applied here because t is not a column. decode() is a plain synchronous method so
 * that its state lives in registers: kept as locals of the async readBlock it would sit in the async
 * function's heap context and the loop would run several times slower.
 */
class ChunkDecoder {
  private curK = -1;
  private t = 0;
  private iv = 0;

  constructor(
    private readonly baseT: Float64Array,
    private readonly baseV: Float64Array,
    private readonly scale: Float64Array,
    private readonly want: Uint8Array,
    private readonly seriesOfK: Int32Array,
    private readonly targets: readonly (SampleTarget | undefined)[],
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  decode(c: BlockColumns): void {
    const { k: kc, dt, dv, v, dvValid, vValid, n } = c;
    const { mint, maxt } = this;
    let curK = this.curK;
    let t = this.t;
    let iv = this.iv;
    let p = curK >= 0 ? this.scale[curK]! : 1;
    let target = curK >= 0 && this.want[curK] === 1 ? this.targets[this.seriesOfK[curK]!] : undefined;
    for (let i = 0; i < n; i++) {
      const k = kc[i]!;
      if (k !== curK) {
        curK = k;
        t = this.baseT[k]!;
        iv = this.baseV[k]!;
        p = this.scale[k]!;
        target = this.want[k] === 1 ? this.targets[this.seriesOfK[k]!] : undefined;
      }
      t += dt[i]!;
      let x: number;
      if (dvValid === null || ((dvValid[i >> 3]! >> (i & 7)) & 1) === 1) {
        iv += dv[i]!;
        x = iv / p;
      } else if (vValid === null || ((vValid[i >> 3]! >> (i & 7)) & 1) === 1) x = v[i]!;
      else x = STALE_NAN;
      if (target !== undefined && t >= mint && t <= maxt) target.push(t, x);
    }
    this.curK = curK;
    this.t = t;
    this.iv = iv;
  }
}
