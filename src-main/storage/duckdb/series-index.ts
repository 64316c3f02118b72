import { METRIC_NAME, labelsKey, type Labels } from '../../common/labels';
import { matchesAll, type Matcher } from '../../common/matcher';

/** IndexedSeries is one series as the in-memory index knows it. */
export interface IndexedSeries {
  readonly id: number;
  /** key is the canonical labelsKey text, built on each read (see Series). */
  readonly key: string;
  readonly labels: Labels;
}

/**
 * Series is the index's IndexedSeries. Its key is not stored: at 50 hosts × 1000 series the key strings
 * were ~6 MB of a ~45 MB heap, and only rare paths read it (a new series' lookup, an error message,
 * compaction's order, sorting a match over several metrics), which build it from the labels.
 */
class Series implements IndexedSeries {
  constructor(
    readonly id: number,
    readonly labels: Labels,
  ) {}

  get key(): string {
    return labelsKey(this.labels);
  }
}

/**
 * MetricSeries is one metric name's series, kept sorted by key lazily (sorted = false after an add).
 * nameFirst: every key starts with the metric name, i.e. the name is set and no other label name sorts
 * before `__name__` (say `Zone`); then the metric's keys form one run in the order of all keys.
 */
interface MetricSeries {
  list: Series[];
  sorted: boolean;
  nameFirst: boolean;
}

/** nameComesFirst tells whether a label set's key starts with its metric name (see MetricSeries). */
function nameComesFirst(labels: Labels): boolean {
  if (labels[METRIC_NAME] === undefined || labels[METRIC_NAME] === '') return false;
  for (const n in labels) if (n < METRIC_NAME) return false;
  return true;
}

/** quotedOrder orders metric names as their keys order: by the JSON text of the name. */
function quotedOrder(a: string, b: string): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** hashKey is 32-bit FNV-1a over a key's UTF-16 code units. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** byKeyOrder sorts series by canonical key, building each key once. */
function byKeyOrder(series: Series[]): Series[] {
  const keyed = series.map((s) => ({ s, k: labelsKey(s.labels) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.s);
}

/**
 * blockOrderKey is the key a series is ranked by inside a compacted block: metric name, then `instance`,
 * then the canonical labels. Metric first keeps one metric's series one contiguous run of ranks; instance
 * next keeps one host's series of that metric together, where plain label order (`device` < `instance`)
 * would spread them over the metric's whole run, so a per-host selection reads one short k range instead
 * of scanning the metric's every row group.
 */
export function blockOrderKey(s: IndexedSeries): string {
  return (s.labels[METRIC_NAME] ?? '') + '\u0000' + (s.labels.instance ?? '') + '\u0000' + s.key;
}

/**
 * SeriesIndex is the in-memory series table: labels per id, id per canonical key, ids per metric name, and
 * per-series time bounds and last sample. Matchers are evaluated here in JS (the contract's `matchesAll`)
 * so that DuckDB is asked only for samples of known ids; per-id numbers live in typed arrays so that 100k
 * series cost a few MB, not 100k objects.
 */
export class SeriesIndex {
  private readonly byId: (Series | undefined)[] = [undefined];
  private readonly byMetric = new Map<string, MetricSeries>();
  private metricOrder: string[] | undefined;
  /**
   * table is a linear-probing hash table holding id + 1 (0 = empty) at hashKey(key); hashes[id] is that
   * hash, kept for rehashing and so that a probe builds a key only for a likely match. 8-12 bytes per
   * series, where a Map from key strings cost the ~120-byte string and a ~36-byte entry.
   */
  private table = new Int32Array(2048);
  private hashes = new Int32Array(1024);
  /** strings holds one copy of every label name and value, shared by all series that use it. */
  private readonly strings = new Map<string, string>();
  /** minT/maxT bound the times stored for each id (+Inf/-Inf when none); lastV is the value at maxT. */
  minT = new Float64Array(1024).fill(Infinity);
  maxT = new Float64Array(1024).fill(-Infinity);
  lastV = new Float64Array(1024);
  /**
   * pendOwner / pendT are the appenders' scratch per id: the token of the open appender holding a pending
   * sample of the series and that sample's time (0 = none), so an append needs no Map. checkStamp marks ids
   * already checked by the commit running now. See store-appender.ts.
   */
  pendOwner = new Uint32Array(1024);
  pendT = new Float64Array(1024);
  checkStamp = new Uint32Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** nextId is the id the next new series gets. */
  get nextId(): number {
    return this.byId.length;
  }

  get(id: number): IndexedSeries | undefined {
    return this.byId[id];
  }

  /** getByKey finds a series by canonical key: by hash, then by comparing the candidates' keys. */
  getByKey(key: string): IndexedSeries | undefined {
    const h = hashKey(key);
    const mask = this.table.length - 1;
    for (let i = h & mask; this.table[i] !== 0; i = (i + 1) & mask) {
      const id = this.table[i]! - 1;
      if (this.hashes[id] === h && labelsKey(this.byId[id]!.labels) === key) return this.byId[id];
    }
    return undefined;
  }

  /**
   * ownLabels returns the store's own copy of a label set, every name and value shared with the other
   * series that use it. Without it each series held its own copy of its metric name, job and instance
   * (50 k copies of 50 instance strings at 50 hosts), and values a parser sliced out of a scrape body
   * would keep that body alive.
   */
  ownLabels(labels: Labels): Labels {
    const own: Record<string, string> = {};
    for (const n in labels) own[this.intern(n)] = this.intern(labels[n]!);
    return own;
  }

  private intern(s: string): string {
    let own = this.strings.get(s);
    if (own === undefined) {
      // V8 slices strings of 13+ characters out of their parent; a copy through a Buffer is standalone.
      own = s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
      this.strings.set(own, own);
    }
    return own;
  }

  /** add registers a series under a given id (ids are dense and handed out by nextId). */
  add(id: number, labels: Labels, key = labelsKey(labels)): IndexedSeries {
    const s = new Series(id, labels);
    while (this.byId.length <= id) this.byId.push(undefined);
    this.byId[id] = s;
    const name = labels[METRIC_NAME] ?? '';
    let m = this.byMetric.get(name);
    if (m === undefined) {
      this.byMetric.set(name, (m = { list: [], sorted: true, nameFirst: true }));
      this.metricOrder = undefined;
    }
    m.list.push(s);
    m.sorted = m.list.length === 1;
    m.nameFirst &&= nameComesFirst(labels);
    this.grow(id + 1);
    this.hashes[id] = hashKey(key);
    this.count++;
    if (this.count * 2 > this.table.length) this.rehash(this.table.length * 2);
    else this.insert(id);
    return s;
  }

  private insert(id: number): void {
    const mask = this.table.length - 1;
    let i = this.hashes[id]! & mask;
    while (this.table[i] !== 0) i = (i + 1) & mask;
    this.table[i] = id + 1;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    for (let id = 0; id < this.byId.length; id++) if (this.byId[id] !== undefined) this.insert(id);
  }

  /** metricNames lists the metric names in key order (kept until a new name comes). */
  private metricNames(): string[] {
    return (this.metricOrder ??= [...this.byMetric.keys()].sort(quotedOrder));
  }

  /** sortedSeries is one metric's series sorted by key (sorted again only after an add). */
  private sortedSeries(name: string): Series[] {
    const m = this.byMetric.get(name);
    if (m === undefined) return [];
    if (!m.sorted) {
      m.list = byKeyOrder(m.list);
      m.sorted = true;
    }
    return m.list;
  }

  /** noteSample widens a series' time bounds with a sample known to be its newest. */
  noteSample(id: number, t: number, v: number): void {
    if (t < this.minT[id]!) this.minT[id] = t;
    if (t >= this.maxT[id]!) {
      this.maxT[id] = t;
      this.lastV[id] = v;
    }
  }

  /**
   * dropBefore records that retention removed every sample older than t: series bounds move up to it, so
   * a series whose samples all expired no longer overlaps any range.
   */
  dropBefore(t: number): void {
    const minT = this.minT;
    for (let id = 0; id < minT.length; id++) if (minT[id]! < t) minT[id] = t;
  }

  /** overlaps tells whether a series may have samples in [mint, maxt] (by its bounds; gaps are not known). */
  overlaps(id: number, mint: number, maxt: number): boolean {
    return this.minT[id]! <= maxt && this.maxT[id]! >= mint;
  }

  /**
   * match lists the series satisfying any matcher set (every series when there is none) that may have a
   * sample in [mint, maxt], sorted by canonical key as the Querier contract requires.
   */
  match(sets: readonly (readonly Matcher[])[], mint: number, maxt: number): IndexedSeries[] {
    const out: Series[] = [];
    const seen = new Set<number>();
    const pick = (s: Series, ms: readonly Matcher[] | null): void => {
      if (seen.has(s.id) || !this.overlaps(s.id, mint, maxt)) return;
      if (ms !== null && !matchesAll(ms, s.labels)) return;
      seen.add(s.id);
      out.push(s);
    };
    if (sets.length === 0) for (const s of this.byId) if (s !== undefined) pick(s, null);
    // One set read metric by metric in key order yields its series in key order: nothing left to sort,
    // no key to build (a rules cycle selects ~12 k series at 50 hosts by `__name__=~"a|b|…"`).
    let inOrder = sets.length === 1;
    for (const ms of sets) {
      const byName = ms.find((m) => m.name === METRIC_NAME && m.type === '=');
      const nameMs = ms.filter((m) => m.name === METRIC_NAME);
      if (byName !== undefined) for (const s of this.sortedSeries(byName.value)) pick(s, ms);
      else if (nameMs.length > 0)
        for (const name of this.metricNames()) {
          if (!matchesAll(nameMs, { [METRIC_NAME]: name })) continue;
          inOrder &&= this.byMetric.get(name)!.nameFirst;
          for (const s of this.sortedSeries(name)) pick(s, ms);
        }
      else {
        inOrder = false;
        for (const s of this.byId) if (s !== undefined) pick(s, ms);
      }
    }
    return inOrder ? out : byKeyOrder(out);
  }

  /** all lists every series in no particular order. */
  *all(): IterableIterator<IndexedSeries> {
    for (const s of this.byId) if (s !== undefined) yield s;
  }

  private grow(n: number): void {
    if (n <= this.minT.length) return;
    let cap = this.minT.length;
    while (cap < n) cap *= 2;
    const minT = new Float64Array(cap).fill(Infinity);
    const maxT = new Float64Array(cap).fill(-Infinity);
    const lastV = new Float64Array(cap);
    const pendOwner = new Uint32Array(cap);
    const pendT = new Float64Array(cap);
    const checkStamp = new Uint32Array(cap);
    const hashes = new Int32Array(cap);
    hashes.set(this.hashes);
    this.hashes = hashes;
    minT.set(this.minT);
    maxT.set(this.maxT);
    lastV.set(this.lastV);
    pendOwner.set(this.pendOwner);
    pendT.set(this.pendT);
    checkStamp.set(this.checkStamp);
    this.minT = minT;
    this.maxT = maxT;
    this.lastV = lastV;
    this.pendOwner = pendOwner;
    this.pendT = pendT;
    this.checkStamp = checkStamp;
  }
}
