import type { Matcher } from '../../common/matcher';
import type { MetricMetadata, Querier, SeriesData } from '../api';
import { blockCacheOf, type BlockCache, type DecodedSeries } from './block-cache';
import { ranksOf, sqlTime, type Block } from './block-catalog';
import { readBlockSeries } from './block-reader';
import { selectBuffersOf, type SelectBuffers } from './select-buffers';
import type { DuckDBStorage } from './duckdb-storage';
import type { IndexedSeries } from './series-index';
import { readSampleChunk, type SampleSink } from './vectors';

/** HEAD_IN_LIST_MAX is the most ids put in a head query's IN list; past it rows are filtered in JS. */
const HEAD_IN_LIST_MAX = 1000;

/**
 * TailRows collects a select's rows from the head table and the write buffer, in arrival order, in one
 * growable set of columns. Rules refresh thousands of series with a few recent samples each every cycle;
 * two small typed arrays per series made that select allocation- and GC-bound.
 */
class TailRows {
  ids = new Int32Array(1024);
  t = new Float64Array(1024);
  v = new Float64Array(1024);
  n = 0;

  push(id: number, t: number, v: number): void {
    if (this.n === this.ids.length) {
      const grow = <A extends Int32Array | Float64Array>(a: A, make: (n: number) => A): A => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.ids = grow(this.ids, (k) => new Int32Array(k));
      this.t = grow(this.t, (k) => new Float64Array(k));
      this.v = grow(this.v, (k) => new Float64Array(k));
    }
    this.ids[this.n] = id;
    this.t[this.n] = t;
    this.v[this.n++] = v;
  }

  /** group orders the rows by series id, each series' in arrival order (a stable counting sort). */
  group(size: number): GroupedTail {
    const count = new Int32Array(size);
    for (let i = 0; i < this.n; i++) count[this.ids[i]!]!++;
    const start = new Int32Array(size);
    for (let id = 0, acc = 0; id < size; id++) {
      start[id] = acc;
      acc += count[id]!;
    }
    const at = start.slice();
    const t = new Float64Array(this.n);
    const v = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const p = at[this.ids[i]!]!++;
      t[p] = this.t[i]!;
      v[p] = this.v[i]!;
    }
    return { start, count, t, v };
  }
}

/** GroupedTail is TailRows by series: series id's rows are t/v[start[id], start[id] + count[id]). */
interface GroupedTail {
  start: Int32Array;
  count: Int32Array;
  t: Float64Array;
  v: Float64Array;
}

/** NO_TAIL is the grouped tail of a select that found no head or write-buffer rows. */
const NO_TAIL: GroupedTail = {
  start: new Int32Array(0),
  count: new Int32Array(0),
  t: new Float64Array(0),
  v: new Float64Array(0),
};

/**
 * Parts is one series' decoded block series as found, in block order (whole, or trimmed for a wide scan);
 * the head's and write buffer's rows come after them, from the select's GroupedTail.
 */
interface Parts {
  blocks: DecodedSeries[];
}

/**
 * assemble joins each series' parts within [mint, maxt] into one (t, v) pair. Sizes are counted first and
 * all series share one exactly-sized buffer per column: a 24 h dashboard select is a few hundred series of
 * thousands of samples, and one allocation with one copy per sample is what keeps its warm path cheap
 * (growing per-series arrays cost a zeroed allocation, a copy and a trim per series). Parts that overlap
 * in time (late data compacted into its own block) are sorted.
 */
function assemble(
  pool: SelectBuffers,
  series: readonly IndexedSeries[],
  parts: readonly (Parts | undefined)[],
  tail: GroupedTail,
  mint: number,
  maxt: number,
): SeriesData[] {
  const tailCount = (id: number): number => (id < tail.count.length ? tail.count[id]! : 0);
  let total = 0;
  for (const s of series) {
    const p = parts[s.id]!;
    for (const d of p.blocks) {
      const [lo, hi] = inRange(d.t, mint, maxt);
      total += Math.max(0, hi - lo);
    }
    total += tailCount(s.id);
  }
  if (total === 0) return [];
  const T = pool.take(total);
  const V = pool.take(total);
  const out: SeriesData[] = [];
  let off = 0;
  for (const s of series) {
    const p = parts[s.id]!;
    const from = off;
    let sorted = true;
    for (const d of p.blocks) {
      const [lo, hi] = inRange(d.t, mint, maxt);
      if (hi <= lo) continue;
      if (off > from && d.t[lo]! < T[off - 1]!) sorted = false;
      T.set(d.t.subarray(lo, hi), off);
      V.set(d.v.subarray(lo, hi), off);
      off += hi - lo;
    }
    const n = tailCount(s.id);
    if (n > 0) {
      const lo = tail.start[s.id]!;
      if (off > from && tail.t[lo]! < T[off - 1]!) sorted = false;
      for (let i = lo + 1; i < lo + n && sorted; i++) if (tail.t[i]! < tail.t[i - 1]!) sorted = false;
      T.set(tail.t.subarray(lo, lo + n), off);
      V.set(tail.v.subarray(lo, lo + n), off);
      off += n;
    }
    if (off === from) continue;
    const t = T.subarray(from, off);
    const v = V.subarray(from, off);
    if (!sorted) sortByTime(t, v);
    out.push({ labels: s.labels, t, v });
  }
  return out;
}

/** inRange is the index range [lo, hi) of the ascending t[] within [mint, maxt]. */
function inRange(t: Float64Array, mint: number, maxt: number): [number, number] {
  return [firstIndex(t, (x) => x >= mint), firstIndex(t, (x) => x > maxt)];
}

/** sortByTime sorts a series' samples by time in place (late data read from overlapping blocks). */
function sortByTime(t: Float64Array, v: Float64Array): void {
  const order = Array.from(t.keys()).sort((a, b) => t[a]! - t[b]!);
  const st = order.map((j) => t[j]!);
  const sv = order.map((j) => v[j]!);
  t.set(st);
  v.set(sv);
}

/**
 * createQuerier reads the store: matchers are resolved against the in-memory series index, then samples of
 * the chosen ids are read from every block overlapping the range, the head table and the write buffer, under
 * the store's mutex so that a concurrent flush cannot move rows between the places being read.
 */
export function createQuerier(st: DuckDBStorage): Querier {
  const pick = (sets: readonly (readonly Matcher[])[], mint: number, maxt: number): IndexedSeries[] => {
    st.assertOpen();
    return st.index.match(sets, mint, maxt);
  };
  return {
    async select(matchers, mint, maxt) {
      const series = pick([matchers], mint, maxt);
      if (series.length === 0) return [];
      const parts: (Parts | undefined)[] = new Array(st.index.nextId);
      for (const s of series) parts[s.id] = { blocks: [] };
      const rows = new TailRows();
      const sink: SampleSink = (id, t, v) => {
        if (parts[id] !== undefined) rows.push(id, t, v);
      };
      const ids = series.map((s) => s.id);
      const cache = blockCacheOf(st, cacheBytes(st));
      await st.mutex.run(async () => {
        st.assertOpen();
        for (const b of st.blocks)
          if (b.mint <= maxt && b.maxt >= mint) await readParts(st, cache, b, ids, mint, maxt, parts);
        if (st.headMinT <= maxt) await readHead(st, ids, mint, maxt, sink);
        const buf = st.buffer;
        for (let i = 0; i < buf.length; i++) {
          const t = buf.ts[i]!;
          if (t >= mint && t <= maxt) sink(buf.ids[i]!, t, buf.vs[i]!);
        }
      });
      const tail = rows.n === 0 ? NO_TAIL : rows.group(parts.length);
      return assemble(selectBuffersOf(st, poolBytes(st)), series, parts, tail, mint, maxt);
    },
    release(data) {
      const pool = selectBuffersOf(st, poolBytes(st));
      for (const s of data) {
        pool.give(s.t.buffer);
        pool.give(s.v.buffer);
      }
    },
    async series(sets, mint, maxt, limit) {
      return cap(
        pick(sets, mint, maxt).map((s) => s.labels),
        limit,
      );
    },
    async labelNames(sets, mint, maxt, limit) {
      const names = new Set<string>();
      for (const s of pick(sets, mint, maxt)) for (const n in s.labels) if (s.labels[n] !== '') names.add(n);
      return cap([...names].sort(), limit);
    },
    async labelValues(name, sets, mint, maxt, limit) {
      const values = new Set<string>();
      for (const s of pick(sets, mint, maxt)) {
        const v = s.labels[name];
        if (v !== undefined && v !== '') values.add(v);
      }
      return cap([...values].sort(), limit);
    },
    async metadata(metric, limit) {
      st.assertOpen();
      const entries: [string, MetricMetadata][] = [...st.metadataMap]
        .filter(([k]) => metric === undefined || k === metric)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return new Map(cap(entries, limit));
    },
  };
}

/** poolBytes is the select buffer pool's budget: a quarter of the block cache's (none without a cache). */
function poolBytes(st: DuckDBStorage): number {
  return Math.floor(st.options.blockCacheBytes / 4);
}

/** cacheBytes is the store's block cache budget (its `blockCacheBytes` option). */
function cacheBytes(st: DuckDBStorage): number {
  return st.options.blockCacheBytes;
}

/**
 * readParts adds block b's samples of the ids to their parts: series found in the block cache are taken
 * from it; the others are decoded whole from DuckDB and cached, unless they would fill more than half the
 * cache (a one-off wide scan), which are decoded only within [mint, maxt] and not kept, so that they do
 * not evict what dashboards keep reading.
 */
async function readParts(
  st: DuckDBStorage,
  cache: BlockCache,
  b: Block,
  ids: readonly number[],
  mint: number,
  maxt: number,
  parts: readonly (Parts | undefined)[],
): Promise<void> {
  const kOf = ranksOf(b);
  const missing: number[] = [];
  for (const id of ids) {
    if (id >= kOf.length || kOf[id]! < 0) continue;
    const d = cache.maxBytes > 0 ? cache.get(b, id) : undefined;
    if (d !== undefined) parts[id]!.blocks.push(d);
    else missing.push(id);
  }
  if (missing.length === 0) return;
  const perSeries = Math.ceil(b.rows / Math.max(1, b.seriesOfK.length));
  const keep = missing.length * perSeries * 16 <= cache.maxBytes / 2;
  const got = await readBlockSeries(st.conn, b, missing, keep ? -Infinity : mint, keep ? Infinity : maxt);
  for (const [id, d] of got) {
    if (keep) cache.put(b, id, d);
    parts[id]!.blocks.push(d);
  }
}

/** firstIndex is the first index of the ascending t[] where `past` holds (t.length when nowhere). */
function firstIndex(t: Float64Array, past: (x: number) => boolean): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (past(t[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** readHead streams the head table's samples of the ids in [mint, maxt], in insertion (time) order. */
async function readHead(
  st: DuckDBStorage,
  ids: readonly number[],
  mint: number,
  maxt: number,
  sink: SampleSink,
): Promise<void> {
  const byId = ids.length <= HEAD_IN_LIST_MAX ? ` AND series_id IN (${ids.join(',')})` : '';
  const result = await st.conn.stream(
    `SELECT series_id, t::DOUBLE, v FROM head WHERE t BETWEEN $1 AND $2${byId}`,
    [sqlTime(mint), sqlTime(maxt)],
  );
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    readSampleChunk(chunk, sink);
  }
}

function cap<T>(xs: T[], limit: number | undefined): T[] {
  return limit !== undefined && limit > 0 ? xs.slice(0, limit) : xs;
}
