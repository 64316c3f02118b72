import { METRIC_NAME, type Labels } from '../common/labels';
import { matchesAll, type Matcher } from '../common/matcher';
import type { MetricMetadata, Querier, SelectHints, SeriesData } from '../storage/api';
import type { WindowCache } from './window-cache';

/**
 * CycleQuerier is the Querier one group evaluation runs its rules over. Rules select the same metrics again
 * and again (`node_filesystem_avail_bytes` by six rules of the default pack, with other label filters and
 * ranges), and each select of the store scans its head; so a select by metric name is answered from the
 * manager's WindowCache (which reads each metric once, then only what is new each cycle), filtered by its
 * other matchers and trimmed to its range in JS. Selects without a `__name__="…"` matcher, and of the
 * metrics this group writes (a later rule must read what an earlier one recorded), go to the store.
 */
export class CycleQuerier implements Querier {
  constructor(
    private readonly base: Querier,
    private readonly windows: WindowCache,
    /** written are the metric names the group writes. */
    private readonly written: ReadonlySet<string>,
  ) {}

  async select(
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
    hints?: SelectHints,
  ): Promise<SeriesData[]> {
    const byName = matchers.find((m) => m.name === METRIC_NAME && m.type === '=');
    if (byName === undefined || this.written.has(byName.value))
      return this.base.select(matchers, mint, maxt, hints);
    const all = await this.windows.get(byName.value, mint, maxt);
    const rest = matchers.filter((m) => m !== byName);
    const out: SeriesData[] = [];
    for (const s of chosen(all, rest)) {
      const trimmed = trim(s, mint, maxt);
      if (trimmed !== undefined) out.push(trimmed);
    }
    return out;
  }

  series(
    sets: readonly (readonly Matcher[])[],
    mint: number,
    maxt: number,
    limit?: number,
  ): Promise<Labels[]> {
    return this.base.series(sets, mint, maxt, limit);
  }

  labelNames(
    sets: readonly (readonly Matcher[])[],
    mint: number,
    maxt: number,
    limit?: number,
  ): Promise<string[]> {
    return this.base.labelNames(sets, mint, maxt, limit);
  }

  labelValues(
    name: string,
    sets: readonly (readonly Matcher[])[],
    mint: number,
    maxt: number,
    limit?: number,
  ): Promise<string[]> {
    return this.base.labelValues(name, sets, mint, maxt, limit);
  }

  metadata(metric?: string, limit?: number): Promise<Map<string, MetricMetadata>> {
    return this.base.metadata(metric, limit);
  }
}

/**
 * FILTERED memoises, per window snapshot (a refresh makes a new array), the series each label filter keeps:
 * the same selector appears in many rules (warning and critical, the pack's filesystem filters).
 */
const FILTERED = new WeakMap<readonly SeriesData[], Map<string, SeriesData[]>>();

function chosen(all: readonly SeriesData[], rest: readonly Matcher[]): readonly SeriesData[] {
  if (rest.length === 0) return all;
  let memo = FILTERED.get(all);
  if (memo === undefined) {
    memo = new Map();
    FILTERED.set(all, memo);
  }
  const key = rest.map((m) => `${m.name}\u0000${m.type}\u0000${m.value}`).join('\u0001');
  let got = memo.get(key);
  if (got === undefined) {
    got = all.filter((s) => matchesAll(rest, s.labels));
    memo.set(key, got);
  }
  return got;
}

/** trim keeps a series' samples in [mint, maxt] (views, no copy); undefined when none are left. */
function trim(s: SeriesData, mint: number, maxt: number): SeriesData | undefined {
  const n = s.t.length;
  if (n === 0) return undefined;
  if (s.t[0]! >= mint && s.t[n - 1]! <= maxt) return s;
  const lo = firstIndex(s.t, mint, false);
  const hi = firstIndex(s.t, maxt, true);
  if (hi <= lo) return undefined;
  return { labels: s.labels, t: s.t.subarray(lo, hi), v: s.v.subarray(lo, hi) };
}

/** firstIndex is the first index of the ascending t with t >= x (or t > x when `after`). */
function firstIndex(t: Float64Array, x: number, after: boolean): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = t[mid]!;
    if (after ? v > x : v >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
