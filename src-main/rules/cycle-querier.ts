import { METRIC_NAME, type Labels } from '../common/labels';
import { matchesAll, type Matcher } from '../common/matcher';
import type { MetricMetadata, Querier, SelectHints, SeriesData } from '../storage/api';
import type { SharedResults, SharingQuerier } from '../promql/api';
import type { ResultSlot } from './shared-result-store';
import type { WindowCache } from './window-cache';

/**
 * CycleQuerier is the Querier one group evaluation runs its rules over. Rules select the same metrics again
 * and again (`node_filesystem_avail_bytes` by six rules of the default pack, with other label filters and
 * ranges), and each select of the store scans its head; so a select by metric name is answered from the
 * manager's WindowCache (which reads each metric once, then only what is new each cycle), filtered by its
 * other matchers and trimmed to its range in JS. Selects without a `__name__="…"` matcher go to the store.
 * A later rule must read what an earlier one of the group recorded: the group invalidates the window of
 * each metric it writes (RuleGroup.write), so the next read fetches the new samples.
 */
export class CycleQuerier implements Querier, SharingQuerier {
  /**
   * sharedResults lets the engine reuse subexpression results of other rules evaluated at the same time
   * (promql/shared-results.ts finds it on its querier): what the group writes itself is never shared.
   */
  readonly sharedResults: SharedResults | undefined;

  constructor(
    private readonly base: Querier,
    private readonly windows: WindowCache,
    /** written are the metric names the group writes (their results are not shared). */
    written: ReadonlySet<string>,
    /** results are the shared results of the evaluation time (none: nothing is shared). */
    results?: ResultSlot,
  ) {
    this.sharedResults =
      results === undefined
        ? undefined
        : {
            stable: (metric) => !written.has(metric),
            get: (key) => results.get(key),
            set: (key, v) => results.set(key, v),
          };
  }

  async select(
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
    hints?: SelectHints,
  ): Promise<SeriesData[]> {
    const byName = matchers.find((m) => m.name === METRIC_NAME && m.type === '=');
    if (byName === undefined) return this.base.select(matchers, mint, maxt, hints);
    const all = await this.windows.get(byName.value, mint, maxt);
    return chosen(
      all,
      matchers.filter((m) => m !== byName),
      mint,
      maxt,
    ).slice();
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
 * CHOSEN memoises, per window snapshot (a refresh makes a new array), the series each label filter keeps
 * trimmed to each range asked: the same selector appears in many rules (warning and critical, threshold
 * rules on one expression, the pack's filesystem filters), and handing out the same trimmed objects lets
 * the engine's per-series memos (resets, staleness) hold across those rules.
 */
const CHOSEN = new WeakMap<readonly SeriesData[], Map<string, readonly SeriesData[]>>();

function chosen(
  all: readonly SeriesData[],
  rest: readonly Matcher[],
  mint: number,
  maxt: number,
): readonly SeriesData[] {
  let memo = CHOSEN.get(all);
  if (memo === undefined) {
    memo = new Map();
    CHOSEN.set(all, memo);
  }
  const filter = rest.map((m) => `${m.name}\u0000${m.type}\u0000${m.value}`).join('\u0001');
  const key = `${mint}\u0001${maxt}\u0001${filter}`;
  let got = memo.get(key);
  if (got === undefined) {
    const out: SeriesData[] = [];
    for (const s of all) {
      if (rest.length > 0 && !matchesAll(rest, s.labels)) continue;
      const trimmed = trim(s, mint, maxt);
      if (trimmed !== undefined) out.push(trimmed);
    }
    memo.set(key, (got = out));
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
