import type { Labels } from '../../common/labels';
import type { Matcher } from '../../common/matcher';
import type { MetricMetadata, Querier, SeriesData } from '../api';
import { blockCacheOf, type BlockCache, type DecodedSeries } from './block-cache';
import { ranksOf, sqlTime, type Block } from './block-catalog';
import { readBlock, readBlockSeries } from './block-reader';
import type { DuckDBStorage } from './duckdb-storage';
import type { IndexedSeries } from './series-index';
import { readSampleChunk, type SampleSink } from './vectors';

/** HEAD_IN_LIST_MAX is the most ids put in a head query's IN list; past it rows are filtered in JS. */
const HEAD_IN_LIST_MAX = 1000;

/** SampleAccumulator grows one series' result arrays and notes whether they arrived out of time order. */
class SampleAccumulator {
  t: Float64Array;
  v: Float64Array;
  n = 0;
  sorted = true;

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
    if (this.n > 0 && t < this.t[this.n - 1]!) this.sorted = false;
    this.t[this.n] = t;
    this.v[this.n++] = v;
  }

  /** append adds the samples of d with t in [mint, maxt] (one series' rows of one block, in time order). */
  append(d: DecodedSeries, mint: number, maxt: number): void {
    const lo = firstIndex(d.t, (t) => t >= mint);
    const hi = firstIndex(d.t, (t) => t > maxt);
    const m = hi - lo;
    if (m <= 0) return;
    if (this.n + m > this.t.length) {
      const cap = Math.max(this.n + m, this.n * 2 + 16);
      const nt = new Float64Array(cap);
      const nv = new Float64Array(cap);
      nt.set(this.t.subarray(0, this.n));
      nv.set(this.v.subarray(0, this.n));
      this.t = nt;
      this.v = nv;
    }
    if (this.n > 0 && d.t[lo]! < this.t[this.n - 1]!) this.sorted = false;
    this.t.set(d.t.subarray(lo, hi), this.n);
    this.v.set(d.v.subarray(lo, hi), this.n);
    this.n += m;
  }

  /** result returns the samples trimmed and, if blocks overlapped (late data), sorted by time. */
  result(labels: Labels): SeriesData {
    // Keep the arrays (no copy) when they are mostly filled, as the pre-sizing usually makes them.
    const keep = this.n >= this.t.length * 0.75;
    let t = keep ? this.t.subarray(0, this.n) : this.t.slice(0, this.n);
    let v = keep ? this.v.subarray(0, this.n) : this.v.slice(0, this.n);
    if (!this.sorted) {
      const order = Array.from(t.keys()).sort((a, b) => t[a]! - t[b]!);
      const st = new Float64Array(this.n);
      const sv = new Float64Array(this.n);
      order.forEach((j, i) => {
        st[i] = t[j]!;
        sv[i] = v[j]!;
      });
      [t, v] = [st, sv];
    }
    return { labels, t, v };
  }
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
      const accs: (SampleAccumulator | undefined)[] = new Array(st.index.nextId);
      // Size each series' arrays for its expected sample count, so that a long range does not regrow.
      let expected = 16;
      for (const b of st.blocks)
        if (b.mint <= maxt && b.maxt >= mint) expected += Math.ceil(b.rows / Math.max(1, b.seriesOfK.length));
      expected = Math.min(expected, 1 << 16);
      for (const s of series) accs[s.id] = new SampleAccumulator(expected);
      const sink: SampleSink = (id, t, v) => accs[id]?.push(t, v);
      const ids = series.map((s) => s.id);
      const cache = blockCacheOf(st, cacheBytes(st));
      await st.mutex.run(async () => {
        st.assertOpen();
        for (const b of st.blocks)
          if (b.mint <= maxt && b.maxt >= mint) await readCached(st, cache, b, ids, mint, maxt, accs);
        if (st.headMinT <= maxt) await readHead(st, ids, mint, maxt, sink);
        const buf = st.buffer;
        for (let i = 0; i < buf.length; i++) {
          const t = buf.ts[i]!;
          if (t >= mint && t <= maxt) sink(buf.ids[i]!, t, buf.vs[i]!);
        }
      });
      const out: SeriesData[] = [];
      for (const s of series) {
        const acc = accs[s.id]!;
        if (acc.n > 0) out.push(acc.result(s.labels));
      }
      return out;
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

/** cacheBytes is the store's block cache budget (its `blockCacheBytes` option). */
function cacheBytes(st: DuckDBStorage): number {
  return st.options.blockCacheBytes;
}

/**
 * readCached adds block b's samples of the ids in [mint, maxt] to their accumulators: series found in the
 * block cache are copied from it; the others are decoded whole from DuckDB and cached, unless they would
 * fill more than half the cache (a one-off wide scan), which is streamed straight into the accumulators
 * so that it does not evict what dashboards keep reading.
 */
async function readCached(
  st: DuckDBStorage,
  cache: BlockCache,
  b: Block,
  ids: readonly number[],
  mint: number,
  maxt: number,
  accs: readonly (SampleAccumulator | undefined)[],
): Promise<void> {
  if (cache.maxBytes === 0) return readBlock(st.conn, b, ids, mint, maxt, accs);
  const kOf = ranksOf(b);
  const missing: number[] = [];
  for (const id of ids) {
    if (id >= kOf.length || kOf[id]! < 0) continue;
    const d = cache.get(b, id);
    if (d !== undefined) accs[id]!.append(d, mint, maxt);
    else missing.push(id);
  }
  if (missing.length === 0) return;
  const perSeries = Math.ceil(b.rows / Math.max(1, b.seriesOfK.length));
  if (missing.length * perSeries * 16 > cache.maxBytes / 2)
    return readBlock(st.conn, b, missing, mint, maxt, accs);
  const got = await readBlockSeries(st.conn, b, missing);
  for (const [id, d] of got) {
    cache.put(b, id, d);
    accs[id]!.append(d, mint, maxt);
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
