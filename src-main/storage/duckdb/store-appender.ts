import { labelsKey } from '../../common/labels';
import { AppendError, type Appender, type MetricMetadata } from '../api';
import type { DuckDBStorage } from './duckdb-storage';
import type { IndexedSeries } from './series-index';
import { WriteBuffer } from './write-buffer';

/** scratch keeps each store's idle batch buffers, so an appender per scrape allocates no typed arrays. */
const scratch = new WeakMap<DuckDBStorage, WriteBuffer[]>();
/** MAX_IDLE_BUFFERS bounds the idle buffers kept per store (about one per concurrent scrape). */
const MAX_IDLE_BUFFERS = 16;
/** MAX_KEPT_ROWS: a buffer grown past this (a huge batch) is dropped rather than kept for reuse. */
const MAX_KEPT_ROWS = 1 << 16;
/** EMPTY stands in for the batch of a finished appender; append swaps in a pooled buffer before writing. */
const EMPTY = new WriteBuffer(0);

/** nextToken hands every appender a distinct non-zero owner token for SeriesIndex.pendOwner. */
let nextToken = 0;
function newToken(): number {
  nextToken = nextToken >= 0xfffffffe ? 1 : nextToken + 1;
  return nextToken;
}

/**
 * createAppender returns an Appender over the store. Samples wait in the appender until commit, which checks
 * them again against what other appenders committed meanwhile and then moves them all into the store's
 * write buffer in one synchronous step: every sample of the batch becomes visible, or none does.
 *
 * The hot path allocates nothing per sample: the batch is three typed arrays reused across appenders, and
 * the time of a series' pending sample is kept in the index's per-id arrays under this appender's token
 * (a private Map only for a series another open appender holds at the same moment).
 */
export function createAppender(st: DuckDBStorage): Appender {
  const pool = scratch.get(st) ?? [];
  scratch.set(st, pool);
  let rows = pool.pop() ?? new WriteBuffer(1024);
  rows.length = 0;
  let meta: [string, MetricMetadata][] = [];
  /** shared is a private pending map for series whose index slot another appender owns. */
  let shared: Map<number, number> | undefined;
  let token = newToken();
  let done = false;
  const idx = st.index;

  const seriesFor = (ref: number, labels: Parameters<Appender['append']>[1]): IndexedSeries => {
    const known = ref !== 0 ? idx.get(ref) : undefined;
    if (known !== undefined) return known;
    if (Object.keys(labels).length === 0)
      throw new AppendError('invalid', `sample with ref ${ref} has neither a known ref nor labels`);
    const key = labelsKey(labels);
    const s = idx.getByKey(key);
    if (s !== undefined) return s;
    if (idx.size >= st.options.maxSeries)
      throw new AppendError(
        'invalid',
        `series limit reached (storage option maxSeries = ${st.options.maxSeries}) for ${key}`,
      );
    return idx.add(idx.nextId, idx.ownLabels(labels), key);
  };

  /** pendingOf is the time of this batch's last sample of series id, undefined when it has none. */
  const pendingOf = (id: number): number | undefined => {
    if (idx.pendOwner[id] === token) return idx.pendT[id];
    return shared?.get(id);
  };

  const setPending = (id: number, t: number): void => {
    const owner = idx.pendOwner[id]!;
    if (owner === token || (owner === 0 && shared?.has(id) !== true)) {
      idx.pendOwner[id] = token;
      idx.pendT[id] = t;
    } else (shared ??= new Map()).set(id, t);
  };

  /** release gives up this batch's index slots and its buffer; the appender may be used again after. */
  const reset = (): void => {
    const owner = idx.pendOwner;
    for (let i = 0; i < rows.length; i++) if (owner[rows.ids[i]!] === token) owner[rows.ids[i]!] = 0;
    rows.length = 0;
    meta = [];
    shared = undefined;
    token = newToken();
  };

  /** finish returns the buffer to the store's pool once the appender is done with it. */
  const finish = (): void => {
    if (done) return;
    done = true;
    if (pool.length < MAX_IDLE_BUFFERS && rows.ids.length <= MAX_KEPT_ROWS) pool.push(rows);
    rows = EMPTY;
  };

  return {
    append(ref, labels, t, v) {
      st.assertOpen();
      if (!Number.isFinite(t))
        throw new AppendError('invalid', `sample time ${t} is not a finite number of milliseconds`);
      const s = seriesFor(ref, labels);
      const id = s.id;
      const pendingLast = pendingOf(id);
      const last = pendingLast ?? idx.maxT[id]!;
      if (t < last)
        throw new AppendError('out_of_order', `out of order sample for ${s.key} at ${t} (last ${last})`);
      if (t === last) {
        if (pendingLast === undefined && Object.is(idx.lastV[id], v)) return id;
        throw new AppendError('duplicate', `duplicate sample for ${s.key} at ${t} with another value`);
      }
      if (done) {
        done = false;
        rows = pool.pop() ?? new WriteBuffer(1024);
        rows.length = 0;
      }
      setPending(id, t);
      rows.push(id, t, v);
      return id;
    },
    setMetadata(metric, m) {
      meta.push([metric, { ...m }]);
    },
    async commit() {
      st.assertOpen();
      const batch = rows;
      const batchMeta = meta;
      // Re-check each series' first pending sample: another appender may have committed newer ones. A series'
      // first row in the batch is the one whose index slot still says "checked by another commit".
      const check = newToken();
      for (let i = 0; i < batch.length; i++) {
        const id = batch.ids[i]!;
        if (idx.checkStamp[id] === check) continue;
        idx.checkStamp[id] = check;
        if (batch.ts[i]! <= idx.maxT[id]!) {
          const key = idx.get(id)!.key;
          const t = batch.ts[i];
          const mt = idx.maxT[id];
          reset();
          finish();
          throw new AppendError(
            t === mt ? 'duplicate' : 'out_of_order',
            `commit refused: ${key} got a sample at ${mt} from another appender, this batch has ${t}`,
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
      finish();
    },
    rollback() {
      reset();
      finish();
    },
  };
}
