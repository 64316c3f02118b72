import { labelsKey, type Labels } from '../../common/labels';
import { matchesAll, type Matcher } from '../../common/matcher';
import {
  AppendError,
  type Appender,
  type MetricMetadata,
  type Querier,
  type SeriesData,
  type SeriesRef,
  type Storage,
  type StorageStats,
} from '../api';

interface MemSeries {
  ref: SeriesRef;
  key: string;
  labels: Labels;
  t: number[];
  v: Float64Array;
  n: number;
}

/**
 * MemoryStorage keeps every sample in memory. It is the reference Storage for unit tests of other stages and
 * for the PromQL conformance runner: small, obviously correct, and with the same ordering rules as the
 * DuckDB store (per-series time order; a sample older than the series' last one is refused).
 */
export class MemoryStorage implements Storage {
  private readonly byKey = new Map<string, MemSeries>();
  private readonly byRef = new Map<SeriesRef, MemSeries>();
  private readonly meta = new Map<string, MetricMetadata>();
  private nextRef = 1;
  private samples = 0;

  appender(): Appender {
    const pending: { s: MemSeries; t: number; v: number }[] = [];
    const pendingMeta: [string, MetricMetadata][] = [];
    const lastPending = new Map<MemSeries, number>();
    return {
      append: (ref, labels, t, v) => {
        let s = ref !== 0 ? this.byRef.get(ref) : undefined;
        if (s === undefined) s = this.getOrCreate(labels);
        const last = lastPending.get(s) ?? (s.n > 0 ? s.t[s.n - 1]! : -Infinity);
        if (t < last) throw new AppendError('out_of_order', `out of order sample for ${s.key} at ${t}`);
        if (t === last) {
          const lastV = s.n > 0 && !lastPending.has(s) ? s.v[s.n - 1]! : NaN;
          if (Object.is(lastV, v)) return s.ref;
          throw new AppendError('duplicate', `duplicate sample for ${s.key} at ${t}`);
        }
        lastPending.set(s, t);
        pending.push({ s, t, v });
        return s.ref;
      },
      setMetadata: (metric, m) => void pendingMeta.push([metric, m]),
      commit: async () => {
        for (const { s, t, v } of pending) this.push(s, t, v);
        for (const [k, m] of pendingMeta) this.meta.set(k, m);
        pending.length = 0;
      },
      rollback: () => {
        pending.length = 0;
        pendingMeta.length = 0;
      },
    };
  }

  querier(): Querier {
    const pick = (sets: readonly (readonly Matcher[])[], mint: number, maxt: number): MemSeries[] =>
      [...this.byKey.values()]
        .filter(
          (s) =>
            (sets.length === 0 || sets.some((ms) => matchesAll(ms, s.labels))) && hasSampleIn(s, mint, maxt),
        )
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return {
      select: async (matchers, mint, maxt): Promise<SeriesData[]> =>
        pick([matchers], mint, maxt).map((s) => {
          const lo = lowerBound(s, mint);
          let hi = lo;
          while (hi < s.n && s.t[hi]! <= maxt) hi++;
          return { labels: s.labels, t: Float64Array.from(s.t.slice(lo, hi)), v: s.v.slice(lo, hi) };
        }),
      series: async (sets, mint, maxt, limit) =>
        cap(
          pick(sets, mint, maxt).map((s) => s.labels),
          limit,
        ),
      labelNames: async (sets, mint, maxt, limit) =>
        cap([...new Set(pick(sets, mint, maxt).flatMap((s) => Object.keys(s.labels)))].sort(), limit),
      labelValues: async (name, sets, mint, maxt, limit) => {
        const values = new Set<string>();
        for (const s of pick(sets, mint, maxt)) if (s.labels[name] !== undefined) values.add(s.labels[name]);
        return cap([...values].sort(), limit);
      },
      metadata: async (metric, limit) => {
        const entries = [...this.meta].filter(([k]) => metric === undefined || k === metric).sort();
        return new Map(cap(entries, limit));
      },
    };
  }

  async stats(): Promise<StorageStats> {
    let oldest: number | null = null;
    for (const s of this.byKey.values())
      if (s.n > 0 && (oldest === null || s.t[0]! < oldest)) oldest = s.t[0]!;
    return {
      series: this.byKey.size,
      samples: this.samples,
      bytesOnDisk: 0,
      headSeries: this.byKey.size,
      oldestSampleTime: oldest,
    };
  }

  async close(): Promise<void> {}

  /** clear drops every series, as the promqltest `clear` command does. */
  clear(): void {
    this.byKey.clear();
    this.byRef.clear();
    this.samples = 0;
  }

  private getOrCreate(labels: Labels): MemSeries {
    const key = labelsKey(labels);
    let s = this.byKey.get(key);
    if (s === undefined) {
      s = { ref: this.nextRef++, key, labels: { ...labels }, t: [], v: new Float64Array(16), n: 0 };
      this.byKey.set(key, s);
      this.byRef.set(s.ref, s);
    }
    return s;
  }

  private push(s: MemSeries, t: number, v: number): void {
    if (s.n === s.v.length) {
      const grown = new Float64Array(s.v.length * 2);
      grown.set(s.v);
      s.v = grown;
    }
    s.t.push(t);
    s.v[s.n++] = v;
    this.samples++;
  }
}

function lowerBound(s: MemSeries, t: number): number {
  let lo = 0;
  let hi = s.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.t[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function hasSampleIn(s: MemSeries, mint: number, maxt: number): boolean {
  const i = lowerBound(s, mint);
  return i < s.n && s.t[i]! <= maxt;
}

function cap<T>(xs: T[], limit: number | undefined): T[] {
  return limit !== undefined && limit > 0 ? xs.slice(0, limit) : xs;
}
