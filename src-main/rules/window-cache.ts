import { labelsKey, METRIC_NAME, type Labels } from '../common/labels';
import type { Querier, SeriesData } from '../storage/api';

/** WindowCacheOptions bound the cache; every field has a default. */
export interface WindowCacheOptions {
  /**
   * lateMs is how far back each refresh re-reads, for samples committed after a refresh although their
   * timestamp is older (a slow scrape); default 30 s, above the default scrape timeout (10 s).
   */
  lateMs?: number;
  /** maxSamples bounds the samples held (default 5e6, ~80 MB); a metric past it is read from the store. */
  maxSamples?: number;
  /** idleMs drops a metric no rule has read for this long (default 10 min). */
  idleMs?: number;
}

interface Window {
  mint: number;
  maxt: number;
  /** back is the widest range asked (maxt - mint) since the window was made. */
  back: number;
  lastUsed: number;
  samples: number;
  /** series by labelsKey, kept in labelsKey order in `sorted`. */
  byKey: Map<string, SeriesData>;
  sorted: SeriesData[];
  /** busy chains refreshes of this metric, so groups evaluated at once read it once. */
  busy: Promise<unknown>;
}

/**
 * WindowCache keeps the recent samples of the metrics that rules read, per metric name, over the widest
 * range any rule asked. Rules read the same recent minutes every cycle (Prometheus reads them from its
 * in-memory head); here each cycle reads only what is new since the last one (plus `lateMs`) from the
 * store and appends it, instead of scanning every selector's whole range again. Arrays are replaced, never
 * changed in place, so results handed out earlier stay valid.
 */
export class WindowCache {
  private readonly windows = new Map<string, Window>();
  private readonly lateMs: number;
  private readonly maxSamples: number;
  private readonly idleMs: number;
  private held = 0;
  private readonly keys = new WeakMap<Labels, string>();

  constructor(
    private readonly base: Querier,
    o: WindowCacheOptions = {},
  ) {
    this.lateMs = o.lateMs ?? 30_000;
    this.maxSamples = o.maxSamples ?? 5e6;
    this.idleMs = o.idleMs ?? 10 * 60_000;
  }

  /** get returns every series of `name` with its samples from the window (trim to [mint, maxt] after). */
  async get(name: string, mint: number, maxt: number): Promise<SeriesData[]> {
    let w = this.windows.get(name);
    if (w === undefined || mint < w.mint) {
      const fresh = this.fill(name, mint, maxt, w);
      w = await fresh;
      if (w === undefined) return this.base.select(nameMatcher(name), mint, maxt);
      return w.sorted;
    }
    const cur = w;
    cur.lastUsed = Math.max(cur.lastUsed, maxt);
    cur.back = Math.max(cur.back, maxt - mint);
    if (maxt > cur.maxt) {
      const next = cur.busy.then(() => (maxt > cur.maxt ? this.refresh(name, cur, maxt) : undefined));
      cur.busy = next.catch(() => {});
      await next;
    } else await cur.busy;
    return cur.sorted;
  }

  /** sweep drops metrics no rule read within idleMs of `now`. */
  sweep(now: number): void {
    for (const [name, w] of this.windows)
      if (w.lastUsed < now - this.idleMs) {
        this.held -= w.samples;
        this.windows.delete(name);
      }
  }

  /** fill reads the metric over [mint, maxt] and makes it the window (undefined when over the limit). */
  private async fill(
    name: string,
    mint: number,
    maxt: number,
    old: Window | undefined,
  ): Promise<Window | undefined> {
    if (old !== undefined) await old.busy;
    const data = await this.base.select(nameMatcher(name), mint, maxt);
    const samples = data.reduce((n, s) => n + s.t.length, 0);
    const prev = this.windows.get(name);
    if (prev !== undefined) {
      this.held -= prev.samples;
      this.windows.delete(name);
    }
    if (this.held + samples > this.maxSamples) return undefined;
    const w: Window = {
      mint,
      maxt,
      back: maxt - mint,
      lastUsed: maxt,
      samples,
      byKey: new Map(data.map((s) => [this.key(s.labels), s])),
      sorted: data,
      busy: Promise.resolve(),
    };
    this.held += samples;
    this.windows.set(name, w);
    return w;
  }

  /** refresh reads (maxt - lateMs, newMaxt] and merges it in, dropping samples older than the window. */
  private async refresh(name: string, w: Window, newMaxt: number): Promise<void> {
    const from = Math.max(w.mint, w.maxt - this.lateMs);
    const data = await this.base.select(nameMatcher(name), from, newMaxt);
    const keepFrom = newMaxt - w.back;
    const got = new Set<string>();
    let added = false;
    for (const s of data) {
      const key = this.key(s.labels);
      got.add(key);
      const old = w.byKey.get(key);
      if (old === undefined) added = true;
      w.byKey.set(key, old === undefined ? s : join(old, s, keepFrom, from));
    }
    let samples = 0;
    for (const [key, s] of w.byKey) {
      const kept = got.has(key) ? s : join(s, undefined, keepFrom, from);
      if (kept.t.length === 0) {
        w.byKey.delete(key);
        added = true;
        continue;
      }
      if (kept !== s) w.byKey.set(key, kept);
      samples += kept.t.length;
    }
    const order = added ? [...w.byKey.keys()].sort() : w.sorted.map((s) => this.key(s.labels));
    w.sorted = order.filter((k) => w.byKey.has(k)).map((k) => w.byKey.get(k)!);
    this.held += samples - w.samples;
    w.samples = samples;
    w.mint = Math.max(w.mint, keepFrom);
    w.maxt = newMaxt;
  }

  private key(labels: Labels): string {
    let k = this.keys.get(labels);
    if (k === undefined) {
      k = labelsKey(labels);
      this.keys.set(labels, k);
    }
    return k;
  }
}

function nameMatcher(name: string) {
  return [{ name: METRIC_NAME, type: '=' as const, value: name }];
}

/**
 * Grown is a series whose arrays have spare room past their end: the next refresh appends there in place
 * when the re-read overlap is unchanged (the common case), so views handed out earlier, which end before
 * the spare room, stay valid.
 */
interface Grown extends SeriesData {
  bufT: Float64Array;
  bufV: Float64Array;
  /** start is the view's offset in the buffers. */
  start: number;
}

/**
 * join keeps old's samples in [keepFrom, from) and appends add (read from `from` on, so it replaces what
 * old had there: a late sample may have arrived in between).
 */
function join(old: SeriesData, add: SeriesData | undefined, keepFrom: number, from: number): SeriesData {
  const lo = firstIndex(old.t, keepFrom);
  const hi = add === undefined ? old.t.length : firstIndex(old.t, from);
  if (add === undefined) {
    if (lo === 0) return old;
    const g = old as Partial<Grown>;
    const view = { labels: old.labels, t: old.t.subarray(lo), v: old.v.subarray(lo) };
    if (g.bufT === undefined) return view;
    const grown: Grown = { ...view, bufT: g.bufT, bufV: g.bufV!, start: g.start! + lo };
    return grown;
  }
  const m = Math.max(0, hi - lo);
  // In place: the overlap [from, end) of old equals the start of add, and the buffers have room.
  const g = old as Partial<Grown>;
  const over = old.t.length - hi;
  if (g.bufT !== undefined && over <= add.t.length && sameHead(old, hi, add, over)) {
    const end = g.start! + old.t.length;
    const extra = add.t.length - over;
    if (end + extra <= g.bufT.length) {
      g.bufT.set(add.t.subarray(over), end);
      g.bufV!.set(add.v.subarray(over), end);
      const s0 = g.start! + lo;
      const s1 = end + extra;
      return {
        labels: old.labels,
        t: g.bufT.subarray(s0, s1),
        v: g.bufV!.subarray(s0, s1),
        bufT: g.bufT,
        bufV: g.bufV!,
        start: s0,
      } as Grown;
    }
  }
  const n = m + add.t.length;
  const cap = n * 2 + 16;
  const bufT = new Float64Array(cap);
  const bufV = new Float64Array(cap);
  bufT.set(old.t.subarray(lo, lo + m));
  bufV.set(old.v.subarray(lo, lo + m));
  bufT.set(add.t, m);
  bufV.set(add.v, m);
  return {
    labels: old.labels,
    t: bufT.subarray(0, n),
    v: bufV.subarray(0, n),
    bufT,
    bufV,
    start: 0,
  } as Grown;
}

/** sameHead tells whether old's samples from index i (k of them) equal add's first k samples. */
function sameHead(old: SeriesData, i: number, add: SeriesData, k: number): boolean {
  for (let j = 0; j < k; j++) {
    if (old.t[i + j] !== add.t[j]) return false;
    const a = old.v[i + j]!;
    const b = add.v[j]!;
    // Stale markers are NaNs: compare their bits.
    if (a !== b && !(Number.isNaN(a) && Number.isNaN(b) && sameBits(a, b))) return false;
  }
  return true;
}

const f1 = new Float64Array(1);
const u1 = new BigUint64Array(f1.buffer);
function sameBits(a: number, b: number): boolean {
  f1[0] = a;
  const x = u1[0];
  f1[0] = b;
  return x === u1[0];
}

/** firstIndex is the first index of the ascending t with t >= x. */
function firstIndex(t: Float64Array, x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
