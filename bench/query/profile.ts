// profile.ts: where Vigie's query time goes — storage select vs PromQL evaluation — measured in-process
// over the same data folder, for the storage and engine owners.
import type { Querier } from '../../src-main/storage/api';
import { openDuckDBStorage } from '../../src-main/storage/index';
import { createEngine } from '../../src-main/promql/engine';
import type { Panel } from './dashboard';
import { percentile, type RangeWindow } from './timing';

/** PanelProfile is the median split of one panel's in-process time. */
export interface PanelProfile {
  title: string;
  totalMs: number;
  selectMs: number;
  /** samples and series the selects returned. */
  samples: number;
  series: number;
}

/**
 * profilePanels opens the store in this process (vigie serve must be stopped: it owns the folder) and runs
 * each panel `reps` times through the engine over a querier that times select(). Selects of one query run
 * concurrently, so selectMs is measured from the first select's start to the last one's end.
 */
export async function profilePanels(
  dataDir: string,
  panels: readonly Panel[],
  w: RangeWindow,
  reps: number,
): Promise<PanelProfile[]> {
  const st = await openDuckDBStorage({ dir: dataDir, flushIntervalMs: 3_600_000 });
  try {
    const base = st.querier();
    let first = Infinity;
    let last = 0;
    let samples = 0;
    let series = 0;
    const timed: Querier = {
      select: async (m, mint, maxt, hints) => {
        const t0 = performance.now();
        first = Math.min(first, t0);
        const r = await base.select(m, mint, maxt, hints);
        last = Math.max(last, performance.now());
        series += r.length;
        for (const s of r) samples += s.t.length;
        return r;
      },
      series: (...a) => base.series(...a),
      labelNames: (...a) => base.labelNames(...a),
      labelValues: (...a) => base.labelValues(...a),
      metadata: (...a) => base.metadata(...a),
    };
    const engine = createEngine(timed);
    const out: PanelProfile[] = [];
    for (const p of panels) {
      const totals: number[] = [];
      const selects: number[] = [];
      for (let i = 0; i < reps; i++) {
        [first, last, samples, series] = [Infinity, 0, 0, 0];
        const t0 = performance.now();
        await engine.rangeQuery(p.query, w.start, w.end, w.stepS * 1000);
        totals.push(performance.now() - t0);
        selects.push(last - Math.min(first, last));
      }
      out.push({
        title: p.title,
        totalMs: percentile(totals, 50),
        selectMs: percentile(selects, 50),
        samples,
        series,
      });
    }
    return out;
  } finally {
    await st.close();
  }
}
