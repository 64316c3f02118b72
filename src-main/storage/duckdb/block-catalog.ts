import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Block is one compacted time window: table `b<seq>` holds (k, dt, dv, v) rows sorted by (k, t), where k is
 * the rank of the series inside this block (by blockOrderKey: metric, instance, then canonical labels) and dt, dv, v encode time and value as
 * block-codec.ts describes; `b<seq>_series` maps k to the series id, its time bounds and the bases and
 * decimal exponent the decoder starts from. Ranking by labels keeps one metric's series in one run of rows, so a selection
 * reads a few contiguous k ranges that DuckDB's zone maps prune to, and the rows come out already in the
 * order the Querier contract wants; a constant k per run costs almost nothing after compression.
 */
export interface Block {
  seq: number;
  mint: number;
  maxt: number;
  rows: number;
  /**
   * seriesOfK[k] is the series id of rank k. Blocks with the same series share one array (shareRanks), so
   * a steady fleet costs one array for all its blocks instead of 4 B per series per block.
   */
  seriesOfK: Int32Array;
}

/** blockTable and seriesTable name the two tables of block seq. */
export const blockTable = (seq: number): string => `b${seq}`;
export const blockSeriesTable = (seq: number): string => `b${seq}_series`;

/** SeriesBounds receives the time bounds of a series found in a block while loading. */
export type SeriesBounds = (id: number, mint: number, maxt: number) => void;

/** loadBlocks reads the block catalog and every block's rank map, oldest block first. */
export async function loadBlocks(conn: DuckDBConnection, onSeries: SeriesBounds): Promise<Block[]> {
  const reader = await conn.runAndReadAll(
    'SELECT seq, mint::DOUBLE, maxt::DOUBLE, rows::DOUBLE FROM blocks ORDER BY mint, seq',
  );
  const blocks: Block[] = [];
  for (const [seq, mint, maxt, rows] of reader.getRows() as [number, number, number, number][]) {
    const r = await conn.runAndReadAll(
      `SELECT k, series_id, mint::DOUBLE, maxt::DOUBLE FROM ${blockSeriesTable(seq)} ORDER BY k`,
    );
    const cols = r.getColumns() as number[][];
    const ks = cols[0]!;
    const ids = cols[1]!;
    const seriesOfK = Int32Array.from(ids);
    for (let i = 0; i < ks.length; i++) onSeries(ids[i]!, cols[2]![i]!, cols[3]![i]!);
    blocks.push({ seq, mint, maxt, rows, seriesOfK: shareRanks(seriesOfK, blocks) });
  }
  return blocks;
}

/** SHARE_LOOKBACK is how many of the newest blocks shareRanks compares a new rank array with. */
const SHARE_LOOKBACK = 4;

/**
 * shareRanks returns the seriesOfK of one of the newest blocks when it equals the given one (the usual case:
 * the same series scraped window after window), else the given array.
 */
export function shareRanks(seriesOfK: Int32Array, blocks: readonly Block[]): Int32Array {
  for (let i = blocks.length - 1; i >= 0 && i >= blocks.length - SHARE_LOOKBACK; i--) {
    const other = blocks[i]!.seriesOfK;
    if (other === seriesOfK) return other;
    if (other.length !== seriesOfK.length) continue;
    let same = true;
    for (let k = 0; k < other.length && same; k++) same = other[k] === seriesOfK[k];
    if (same) return other;
  }
  return seriesOfK;
}

/** RANK_CACHE_MAX bounds the id → rank tables kept between queries (each ~4 B per series id). */
const RANK_CACHE_MAX = 8;
const rankCache = new Map<Int32Array, Int32Array>();

/**
 * ranksOf returns block b's id → rank table (-1, or an index past its length, for an absent id). The tables
 * are built on demand (~50 µs per 50 k series) and only the most recently used few are kept: keeping one
 * per block cost 4 B per series per block, ~145 MB for 50 k series over 30 days of 2 h blocks.
 */
export function ranksOf(b: Block): Int32Array {
  let kOf = rankCache.get(b.seriesOfK);
  if (kOf !== undefined) {
    rankCache.delete(b.seriesOfK); // re-insert: Map order is the LRU order
  } else {
    kOf = rankMap(b.seriesOfK);
    if (rankCache.size >= RANK_CACHE_MAX) rankCache.delete(rankCache.keys().next().value!);
  }
  rankCache.set(b.seriesOfK, kOf);
  return kOf;
}

/** rankMap inverts seriesOfK into an id → rank table. */
export function rankMap(seriesOfK: Int32Array): Int32Array {
  let max = -1;
  for (const id of seriesOfK) if (id > max) max = id;
  const kOf = new Int32Array(max + 1).fill(-1);
  for (let k = 0; k < seriesOfK.length; k++) kOf[seriesOfK[k]!] = k;
  return kOf;
}

/** TIME_LIMIT keeps query bounds such as ±Infinity inside BIGINT and exactly representable. */
const TIME_LIMIT = Number.MAX_SAFE_INTEGER;

/** sqlTime turns an inclusive query bound in ms into a BIGINT parameter (fractions round inward). */
export function sqlTime(t: number): bigint {
  if (Number.isNaN(t)) throw new Error('storage query: time bound is NaN');
  return BigInt(Math.max(-TIME_LIMIT, Math.min(TIME_LIMIT, t < 0 ? Math.trunc(t) : Math.trunc(t))));
}

/** MAX_RANGES caps the k ranges (one query each) read from one block; merged gaps are filtered in JS. */
const MAX_RANGES = 16;
/** MERGE_GAP is the gap (in series) below which two ranges are read as one: ~one row group of 2 h data. */
const MERGE_GAP = 256;

/**
 * kRanges turns the wanted ranks (ascending) into closed intervals, one query each: a single BETWEEN is
 * what DuckDB prunes row groups with (an OR of many is evaluated row by row), so nearby ranges are merged
 * and, past MAX_RANGES, the smallest gaps are merged first.
 */
export function kRanges(ks: readonly number[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const k of ks) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && k - last[1] <= MERGE_GAP) last[1] = k;
    else ranges.push([k, k]);
  }
  while (ranges.length > MAX_RANGES) {
    let best = 1;
    for (let i = 2; i < ranges.length; i++)
      if (ranges[i]![0] - ranges[i - 1]![1] < ranges[best]![0] - ranges[best - 1]![1]) best = i;
    ranges[best - 1]![1] = ranges[best]![1];
    ranges.splice(best, 1);
  }
  return ranges;
}
