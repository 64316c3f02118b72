import { labelsKey } from '../../common/labels';
import { AppendError, type Appender, type MetricMetadata } from '../api';
import type { DuckDBStorage } from './duckdb-storage';
import type { IndexedSeries } from './series-index';
import { WriteBuffer } from './write-buffer';

/**
 * createAppender returns an Appender over the store. Samples wait in the appender until commit, which checks
 * them again against what other appenders committed meanwhile and then moves them all into the store's
 * write buffer in one synchronous step: every sample of the batch becomes visible, or none does.
 */
export function createAppender(st: DuckDBStorage): Appender {
  const rows = new WriteBuffer(256);
  let meta: [string, MetricMetadata][] = [];
  const lastPending = new Map<number, number>();
  const idx = st.index;

  const seriesFor = (ref: number, labels: Parameters<Appender['append']>[1]): IndexedSeries => {
    const known = ref !== 0 ? idx.get(ref) : undefined;
    if (known !== undefined) return known;
    const key = labelsKey(labels);
    const s = idx.getByKey(key);
    if (s !== undefined) return s;
    if (Object.keys(labels).length === 0)
      throw new AppendError('invalid', `sample with ref ${ref} has neither a known ref nor labels`);
    if (idx.size >= st.options.maxSeries)
      throw new AppendError(
        'invalid',
        `series limit reached (storage option maxSeries = ${st.options.maxSeries}) for ${key}`,
      );
    return idx.add(idx.nextId, idx.ownLabels(labels), key);
  };

  const reset = (): void => {
    rows.length = 0;
    meta = [];
    lastPending.clear();
  };

  return {
    append(ref, labels, t, v) {
      st.assertOpen();
      if (!Number.isFinite(t))
        throw new AppendError('invalid', `sample time ${t} is not a finite number of milliseconds`);
      const s = seriesFor(ref, labels);
      const pendingLast = lastPending.get(s.id);
      const last = pendingLast ?? idx.maxT[s.id]!;
      if (t < last)
        throw new AppendError('out_of_order', `out of order sample for ${s.key} at ${t} (last ${last})`);
      if (t === last) {
        if (pendingLast === undefined && Object.is(idx.lastV[s.id], v)) return s.id;
        throw new AppendError('duplicate', `duplicate sample for ${s.key} at ${t} with another value`);
      }
      lastPending.set(s.id, t);
      rows.push(s.id, t, v);
      return s.id;
    },
    setMetadata(metric, m) {
      meta.push([metric, { ...m }]);
    },
    async commit() {
      st.assertOpen();
      const batch = rows;
      const batchMeta = meta;
      // Re-check each series' first pending sample: another appender may have committed newer ones.
      const checked = new Set<number>();
      for (let i = 0; i < batch.length; i++) {
        const id = batch.ids[i]!;
        if (checked.has(id)) continue;
        checked.add(id);
        if (batch.ts[i]! <= idx.maxT[id]!) {
          const key = idx.get(id)!.key;
          const t = batch.ts[i];
          reset();
          throw new AppendError(
            t === idx.maxT[id] ? 'duplicate' : 'out_of_order',
            `commit refused: ${key} got a sample at ${idx.maxT[id]} from another appender, this batch has ${t}`,
          );
        }
      }
      for (let i = 0; i < batch.length; i++) {
        const id = batch.ids[i]!;
        const t = batch.ts[i]!;
        st.buffer.push(id, t, batch.vs[i]!);
        idx.noteSample(id, t, batch.vs[i]!);
        if (t > st.maxTime) st.maxTime = t;
      }
      for (const [metric, m] of batchMeta) st.noteMetadata(metric, m);
      reset();
    },
    rollback() {
      reset();
    },
  };
}
