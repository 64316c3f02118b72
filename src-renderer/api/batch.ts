// batch.ts: sends the queries a page asks for together as one request (POST /api/vigie/query_batch). A
// browser keeps at most six connections to the appliance, so a dashboard's 40 range queries sent one by
// one mostly wait in line; batched, they cost one request, and answers stream back one line per query, so
// each panel draws as soon as its own answer is in. An appliance without the route (or a read-only token
// it refuses) gets the queries one by one instead, a few at a time.
import {
  ApiError,
  apiLines,
  query,
  queryRange,
  type MatrixItem,
  type QueryResult,
  type RangeOptions,
  type VectorItem,
} from './client';

/** BatchItem is one query of a batch: a range query with start, end and step (s), else an instant one. */
export interface BatchItem {
  query: string;
  start?: number;
  end?: number;
  step?: number;
  time?: number;
}

/** BatchLine is one answer line: the query's index and its data, or its error. */
export interface BatchLine {
  index: number;
  status: 'success' | 'error';
  data?: QueryResult;
  error?: string;
  errorType?: string;
}

/** BatchOptions tune the batcher; tests pass fakes for the two ways of fetching. */
export interface BatchOptions {
  /** maxBatch is the most queries one request carries (the appliance accepts 200). */
  maxBatch?: number;
  /** fallbackConcurrency is how many single queries run at once without the batch route. */
  fallbackConcurrency?: number;
  /** enabled false sends every query on its own (`?queryBatch=0`: the benchmark's comparison). */
  enabled?: boolean;
  fetchBatch?: (items: BatchItem[], onLine: (l: BatchLine) => void) => Promise<void>;
  fetchOne?: (item: BatchItem) => Promise<QueryResult>;
}

/** BATCH_TIMEOUT_MS bounds one batch: it carries many queries, so it gets more than a single request. */
export const BATCH_TIMEOUT_MS = 60_000;

/** postBatch sends a batch to the appliance and hands over each answer line as it arrives. */
export function postBatch(items: BatchItem[], onLine: (l: BatchLine) => void): Promise<void> {
  return apiLines(
    '/api/vigie/query_batch',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queries: items }),
    },
    BATCH_TIMEOUT_MS,
    (l) => onLine(l as BatchLine),
  );
}

/** fetchSingle runs one query through the Prometheus API (the batcher's fallback). */
export async function fetchSingle(item: BatchItem): Promise<QueryResult> {
  if (item.step === undefined) return query(item.query, item.time);
  const result = await queryRange(item.query, { start: item.start!, end: item.end!, step: item.step });
  return { resultType: 'matrix', result };
}

/** FALLBACK_STATUSES are the refusals that mean "no batch route here": 404 (older), 403/405 (not allowed). */
const FALLBACK_STATUSES = new Set([403, 404, 405]);

interface Waiting {
  item: BatchItem;
  resolve: (r: QueryResult) => void;
  reject: (e: Error) => void;
}

/** QueryBatcher gathers the queries asked within one turn of the event loop into batches. */
export class QueryBatcher {
  private readonly maxBatch: number;
  private readonly fallbackConcurrency: number;
  private readonly fetchBatch: NonNullable<BatchOptions['fetchBatch']>;
  private readonly fetchOne: NonNullable<BatchOptions['fetchOne']>;
  private batching: boolean;
  private pending: Waiting[] = [];
  private scheduled = false;
  private running = 0;
  private sending = 0;
  private readonly queue: Waiting[] = [];

  constructor(o: BatchOptions = {}) {
    this.maxBatch = o.maxBatch ?? 100;
    this.fallbackConcurrency = o.fallbackConcurrency ?? 4;
    this.fetchBatch = o.fetchBatch ?? postBatch;
    this.fetchOne = o.fetchOne ?? fetchSingle;
    this.batching = o.enabled ?? true;
  }

  /** run answers one query, sent with the others asked in the same turn. */
  run(item: BatchItem): Promise<QueryResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setTimeout(() => this.flush(), 0);
    });
  }

  /** range answers a range query's series. */
  async range(expr: string, r: RangeOptions): Promise<MatrixItem[]> {
    const data = await this.run({ query: expr, start: r.start, end: r.end, step: r.step });
    return data.resultType === 'matrix' ? data.result : [];
  }

  /** instant answers an instant query's vector (empty for a scalar or string answer). */
  async instant(expr: string, time?: number): Promise<VectorItem[]> {
    const data = await this.run(time === undefined ? { query: expr } : { query: expr, time });
    return data.resultType === 'vector' ? data.result : [];
  }

  /** busy tells whether queries are waiting or running (live updates hold off until the page has loaded). */
  get busy(): boolean {
    return this.scheduled || this.sending > 0 || this.running > 0 || this.queue.length > 0;
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    if (!this.batching) {
      for (const w of all) this.single(w);
      return;
    }
    for (let i = 0; i < all.length; i += this.maxBatch) void this.send(all.slice(i, i + this.maxBatch));
  }

  private async send(batch: Waiting[]): Promise<void> {
    this.sending++;
    try {
      await this.sendNow(batch);
    } finally {
      this.sending--;
    }
  }

  private async sendNow(batch: Waiting[]): Promise<void> {
    const answered = new Set<number>();
    try {
      await this.fetchBatch(
        batch.map((w) => w.item),
        (line) => {
          const w = batch[line.index];
          if (w === undefined || answered.has(line.index)) return;
          answered.add(line.index);
          if (line.status === 'success' && line.data !== undefined) w.resolve(line.data);
          else w.reject(new ApiError(422, line.error ?? 'the query failed'));
        },
      );
    } catch (e) {
      if (answered.size === 0 && e instanceof ApiError && FALLBACK_STATUSES.has(e.status)) {
        this.batching = false;
        for (const w of batch) this.single(w);
        return;
      }
      for (const [i, w] of batch.entries()) if (!answered.has(i)) w.reject(e as Error);
      return;
    }
    for (const [i, w] of batch.entries())
      if (!answered.has(i)) w.reject(new ApiError(0, 'the appliance ended the batch without this answer'));
  }

  /** single runs one query on its own, at most fallbackConcurrency at once. */
  private single(w: Waiting): void {
    if (this.running >= this.fallbackConcurrency) {
      this.queue.push(w);
      return;
    }
    this.running++;
    this.fetchOne(w.item)
      .then(w.resolve, w.reject)
      .finally(() => {
        this.running--;
        const next = this.queue.shift();
        if (next !== undefined) this.single(next);
      });
  }
}

/**
 * urlBatching reads `?queryBatch=0` from the page's URL: the UI benchmark compares batched and single
 * queries within one run. Batching is on otherwise.
 */
export function urlBatching(href: string | undefined): boolean {
  if (href === undefined) return true;
  return new URL(href).searchParams.get('queryBatch') !== '0';
}

/** queryBatcher is the page-wide batcher every panel shares. */
export const queryBatcher = new QueryBatcher({ enabled: urlBatching(globalThis.location?.href) });
