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
  name: string;
  mint: number;
  maxt: number;
  /** back is the widest range asked (maxt - mint) since the window was made. */
  back: number;
  lastUsed: number;
  samples: number;
  /** sorted is the series in labelsKey order (the store's order). */
  sorted: SeriesData[];
  /** index is each series' position in sorted by labelsKey, built when `wrote` needs it. */
  index: Map<string, number> | undefined;
}

/** Refresh is one batched read in flight: every window behind `maxt` when it started is brought to it. */
interface Refresh {
  maxt: number;
  done: Promise<void>;
}

/**
 * WindowCache keeps the recent samples of the metrics that rules read, per metric name, over the widest
 * range any rule asked. Rules read the same recent minutes every cycle (Prometheus reads them from its
 * in-memory head); here each cycle reads only what is new since the last one (plus `lateMs`) from the
 * store and appends it, instead of scanning every selector's whole range again. That read is one select
 * for every metric held (`__name__=~"a|b|…"`), at the first rule of a cycle that asks past the windows'
 * end, rather than one per metric: each select scans the store's head. Arrays are replaced, never changed
 * in place, so results handed out earlier stay valid.
 */
export class WindowCache {
  private readonly windows = new Map<string, Window>();
  private readonly lateMs: number;
  private readonly maxSamples: number;
  private readonly idleMs: number;
  private held = 0;
  private readonly keys = new WeakMap<Labels, string>();
  /** refreshing is the batched read in flight, if any. */
  private refreshing: Refresh | undefined;
  /** filling coalesces first reads of a metric that several rules ask for at once. */
  private readonly filling = new Map<string, Promise<Window | undefined>>();

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
    for (;;) {
      const w = this.windows.get(name);
      if (w === undefined || mint < w.mint) {
        const filled = await this.fillOnce(name, mint, maxt);
        if (filled === undefined) return this.base.select(nameMatcher(name), mint, maxt);
        if (filled.mint <= mint && filled.maxt >= maxt) return filled.sorted;
        continue;
      }
      w.lastUsed = Math.max(w.lastUsed, maxt);
      w.back = Math.max(w.back, maxt - mint);
      if (maxt <= w.maxt) return w.sorted;
      await this.refreshTo(maxt);
    }
  }

  /**
   * invalidate makes the next read of `name` past `t - 1` read again from the store from t on (less
   * lateMs): a rule group calls it after writing samples of the metric at t, which a later rule reads.
   */
  invalidate(name: string, t: number): void {
    const w = this.windows.get(name);
    if (w !== undefined && w.maxt >= t) w.maxt = Math.max(w.mint, t - 1);
  }

  /**
   * wrote puts samples of `name` that a rule group just committed at t into the window, as a re-read would
   * (a sample replaces one of the same series at t), so that later rules see them without a select.
   */
  wrote(name: string, t: number, samples: readonly { labels: Labels; v: number }[]): void {
    const w = this.windows.get(name);
    if (w === undefined || t < w.mint || samples.length === 0) return;
    const next = w.sorted.slice();
    const extra: SeriesData[] = [];
    let delta = 0;
    for (const s of samples) {
      const one: SeriesData = { labels: s.labels, t: Float64Array.of(t), v: Float64Array.of(s.v) };
      const i = this.indexOf(w).get(this.key(s.labels));
      if (i === undefined) {
        extra.push(one);
        delta++;
        continue;
      }
      const old = next[i]!;
      next[i] = join(old, one, w.mint, t);
      delta += next[i]!.t.length - old.t.length;
    }
    this.place(w, next, extra);
    w.samples += delta;
    this.held += delta;
  }

  /** sweep drops metrics no rule read within idleMs of `now`. */
  sweep(now: number): void {
    for (const [name, w] of this.windows)
      if (w.lastUsed < now - this.idleMs) {
        this.held -= w.samples;
        this.windows.delete(name);
      }
  }

  /** fillOnce is fill, shared by the rules that ask for the same new metric at once. */
  private async fillOnce(name: string, mint: number, maxt: number): Promise<Window | undefined> {
    let p = this.filling.get(name);
    if (p === undefined) {
      p = this.fill(name, mint, maxt).finally(() => this.filling.delete(name));
      this.filling.set(name, p);
    }
    return p;
  }

  /** fill reads the metric over [mint, maxt] and makes it the window (undefined when over the limit). */
  private async fill(name: string, mint: number, maxt: number): Promise<Window | undefined> {
    // A batched refresh in flight may hold the old window: let it finish first.
    if (this.refreshing !== undefined) await this.refreshing.done.catch(() => {});
    const data = await this.base.select(nameMatcher(name), mint, maxt);
    const samples = data.reduce((n, s) => n + s.t.length, 0);
    const prev = this.windows.get(name);
    if (prev !== undefined) {
      this.held -= prev.samples;
      this.windows.delete(name);
    }
    if (this.held + samples > this.maxSamples) return undefined;
    const w: Window = {
      name,
      mint,
      maxt,
      back: maxt - mint,
      lastUsed: maxt,
      samples,
      sorted: data,
      index: undefined,
    };
    this.held += samples;
    this.windows.set(name, w);
    return w;
  }

  /**
   * refreshTo brings every window behind maxt up to it with one select, or waits for the batched read in
   * flight (the caller checks its window again after).
   */
  private async refreshTo(maxt: number): Promise<void> {
    if (this.refreshing !== undefined) {
      await this.refreshing.done;
      return;
    }
    const r: Refresh = { maxt, done: this.refreshBatch(maxt) };
    this.refreshing = r;
    try {
      await r.done;
    } finally {
      if (this.refreshing === r) this.refreshing = undefined;
    }
  }

  /** refreshBatch reads (maxt - lateMs, newMaxt] of every window behind newMaxt at once and merges it in. */
  private async refreshBatch(newMaxt: number): Promise<void> {
    const due = [...this.windows.values()].filter((w) => w.maxt < newMaxt);
    if (due.length === 0) return;
    const from = Math.min(...due.map((w) => Math.max(w.mint, w.maxt - this.lateMs)));
    const names = due.map((w) => w.name);
    const matchers =
      names.length === 1
        ? nameMatcher(names[0]!)
        : [{ name: METRIC_NAME, type: '=~' as const, value: names.map(escapeRegex).join('|') }];
    const data = await this.base.select(matchers, from, newMaxt);
    const byName = new Map<string, SeriesData[]>(names.map((n) => [n, []]));
    for (const s of data) byName.get(s.labels[METRIC_NAME] ?? '')?.push(s);
    for (const w of due)
      if (this.windows.get(w.name) === w) this.merge(w, byName.get(w.name)!, from, newMaxt);
  }

  /**
   * merge puts a window's re-read of [from, newMaxt] in, dropping samples older than the window. Both lists
   * are in labelsKey order (the Querier contract), so one walk pairs them; the store hands out the same
   * labels object for a series every time, so pairs are found without hashing their labels.
   */
  private merge(w: Window, data: SeriesData[], from: number, newMaxt: number): void {
    // A window filled after an earlier, shorter read starts later than `from`: keep the re-read inside it.
    const start = Math.max(from, w.mint);
    const keepFrom = newMaxt - w.back;
    const old = w.sorted;
    const out: SeriesData[] = [];
    let changed = false;
    let samples = 0;
    let i = 0;
    let j = 0;
    while (i < old.length || j < data.length) {
      const o = old[i];
      const d = data[j];
      let c: number;
      if (o === undefined) c = 1;
      else if (d === undefined) c = -1;
      else if (o.labels === d.labels) c = 0;
      else {
        const ko = this.key(o.labels);
        const kd = this.key(d.labels);
        c = ko < kd ? -1 : ko > kd ? 1 : 0;
      }
      let x: SeriesData;
      if (c === 0) {
        x = join(o!, start > from ? trimFrom(d!, start) : d!, keepFrom, start);
        i++;
        j++;
      } else if (c < 0) {
        x = join(o!, undefined, keepFrom, start);
        i++;
      } else {
        x = start > from ? trimFrom(d!, start) : d!;
        j++;
        changed = true;
      }
      if (x.t.length === 0) {
        changed = true;
        continue;
      }
      out.push(x);
      samples += x.t.length;
    }
    w.sorted = out;
    if (changed) w.index = undefined;
    this.held += samples - w.samples;
    w.samples = samples;
    w.mint = Math.max(w.mint, keepFrom);
    w.maxt = newMaxt;
  }

  /** indexOf is the window's position-by-key map, built again after the set of series changed. */
  private indexOf(w: Window): Map<string, number> {
    return (w.index ??= new Map(w.sorted.map((s, i) => [this.key(s.labels), i])));
  }

  /**
   * place makes `next` (the window's series, same order) plus new series the window's series: series left
   * without samples go, and the order and index are rebuilt only when the set of series changed.
   */
  private place(w: Window, next: SeriesData[], extra: SeriesData[]): void {
    if (extra.length === 0 && next.every((s) => s.t.length > 0)) {
      w.sorted = next;
      return;
    }
    const keyed = next
      .filter((s) => s.t.length > 0)
      .concat(extra)
      .map((s) => [this.key(s.labels), s] as const);
    keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    w.sorted = keyed.map((e) => e[1]);
    w.index = undefined;
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

/** escapeRegex quotes a metric name for a regex matcher (names are plain, but a name may hold `:`). */
function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** trimFrom keeps a series' samples at or after t (a view). */
function trimFrom(s: SeriesData, t: number): SeriesData {
  const lo = firstIndex(s.t, t);
  return lo === 0 ? s : { labels: s.labels, t: s.t.subarray(lo), v: s.v.subarray(lo) };
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
      // A loop, not set(subarray): a cycle adds one or two samples, and views cost more than that.
      const bt = g.bufT;
      const bv = g.bufV!;
      for (let j = over; j < add.t.length; j++) {
        bt[end + j - over] = add.t[j]!;
        bv[end + j - over] = add.v[j]!;
      }
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
