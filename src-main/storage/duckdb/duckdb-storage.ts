import type { DuckDBConnection } from '@duckdb/node-api';
import { statSync } from 'node:fs';
import type { Labels } from '../../common/labels';
import type { Appender, MetricMetadata, Querier, Storage, StorageStats } from '../api';
import type { DocumentStore } from '../../state/api';
import { DuckDBDocumentStore } from './document-store';
import { loadBlocks, shareRanks, type Block } from './block-catalog';
import { compactWindow, dropBlock } from './compaction';
import { Mutex } from './mutex';
import { SCHEMA, openDatabase, type OpenedDatabase } from './open-database';
import { resolveOptions, type DuckDBStorageOptions, type ResolvedOptions } from './options';
import { SeriesIndex, blockOrderKey } from './series-index';
import { createAppender } from './store-appender';
import { createQuerier } from './store-querier';
import { SampleChunkWriter, VECTOR_SIZE } from './vectors';
import { WriteBuffer } from './write-buffer';

/**
 * DuckDBStorage is the persistent Storage: committed samples go to an in-memory WriteBuffer, which a timer
 * appends every flushIntervalMs to the `head` table through DuckDB's Appender (DuckDB's WAL makes it
 * durable); closed time windows of the head are compacted into sorted block tables; retention drops whole
 * blocks. Series labels live in memory (SeriesIndex) and in the `series` table. See docs/storage.md.
 */
export class DuckDBStorage implements Storage {
  readonly index = new SeriesIndex();
  buffer = new WriteBuffer();
  blocks: Block[] = [];
  readonly metadataMap = new Map<string, MetricMetadata>();
  readonly mutex = new Mutex();
  /** maxTime is the newest sample time committed; compaction and retention are measured from it. */
  maxTime = -Infinity;
  /** headMinT is the oldest time that may still be in the head table (+Inf when it is empty). */
  headMinT = Infinity;
  /** lastFlushError is the latest background flush failure, cleared by a successful flush. */
  lastFlushError: Error | null = null;
  private persistedSeries: number;
  private readonly dirtyMetadata = new Set<string>();
  private nextSeq: number;
  private timer: NodeJS.Timeout | undefined;
  private background: Promise<void> | null = null;
  private closed = false;
  private readonly chunkWriter = new SampleChunkWriter();
  /** maintenance serialises compaction and retention, which run mostly outside the query mutex. */
  private readonly maintenance = new Mutex();
  /** compactConn is compaction's own connection, so its long transaction does not hold up flushes. */
  private compactConn: DuckDBConnection | null = null;
  private docs: DuckDBDocumentStore | undefined;

  private constructor(
    readonly options: ResolvedOptions,
    private readonly db: OpenedDatabase,
    readonly conn: DuckDBConnection,
  ) {
    this.persistedSeries = 1;
    this.nextSeq = 1;
  }

  /** open opens (or creates) the store in options.dir and loads its series index, metadata and blocks. */
  static async open(options: DuckDBStorageOptions): Promise<DuckDBStorage> {
    const o = resolveOptions(options);
    const db = await openDatabase(o);
    let conn: DuckDBConnection | undefined;
    try {
      conn = await db.instance.connect();
      for (const sql of SCHEMA) await conn.run(sql);
      const st = new DuckDBStorage(o, db, conn);
      await st.load();
      st.timer = setInterval(() => st.tick(), o.flushIntervalMs);
      st.timer.unref();
      return st;
    } catch (err) {
      conn?.closeSync();
      db.instance.closeSync();
      db.release();
      throw err;
    }
  }

  private async load(): Promise<void> {
    const series = await this.conn.runAndReadAll('SELECT id, labels FROM series ORDER BY id');
    for (const [id, json] of series.getRows() as [number, string][]) {
      if (this.index.get(id) === undefined)
        this.index.add(id, this.index.ownLabels(JSON.parse(json) as Labels));
    }
    this.persistedSeries = this.index.nextId;
    const meta = await this.conn.runAndReadAll('SELECT metric, type, help, unit FROM metadata');
    for (const [metric, type, help, unit] of meta.getRows() as string[][])
      this.metadataMap.set(metric!, { type: type as MetricMetadata['type'], help: help!, unit: unit! });
    this.blocks = await loadBlocks(this.conn, (id, mint, maxt) => {
      this.index.noteSample(id, mint, NaN);
      this.index.noteSample(id, maxt, NaN);
    });
    for (const b of this.blocks) {
      this.nextSeq = Math.max(this.nextSeq, b.seq + 1);
      this.maxTime = Math.max(this.maxTime, b.maxt);
    }
    const head = await this.conn.runAndReadAll(
      `SELECT series_id, min(t)::DOUBLE, max(t)::DOUBLE, arg_max(coalesce(v, 'NaN'::DOUBLE), t)
       FROM head GROUP BY series_id`,
    );
    for (const [id, mint, maxt, last] of head.getRows() as [number, number, number, number][]) {
      this.index.noteSample(id, mint, NaN);
      this.index.noteSample(id, maxt, last);
      this.maxTime = Math.max(this.maxTime, maxt);
      this.headMinT = Math.min(this.headMinT, mint);
    }
  }

  appender(): Appender {
    this.assertOpen();
    return createAppender(this);
  }

  querier(): Querier {
    this.assertOpen();
    return createQuerier(this);
  }

  /** documents is the app's document table in this database file, on its own connection (made on first use). */
  documents(): DocumentStore {
    this.assertOpen();
    return (this.docs ??= new DuckDBDocumentStore(() => this.db.instance.connect(), { file: this.db.file }));
  }

  /** assertOpen refuses work on a closed store with a clear message. */
  assertOpen(): void {
    if (this.closed) throw new Error(`storage ${this.db.file} is closed`);
  }

  /** noteMetadata records a committed metadata change, to be written at the next flush. */
  noteMetadata(metric: string, meta: MetricMetadata): void {
    this.metadataMap.set(metric, meta);
    this.dirtyMetadata.add(metric);
  }

  /** flush writes new series, metadata and buffered samples to DuckDB now. */
  flush(): Promise<void> {
    return this.mutex.run(() => this.flushLocked());
  }

  private async flushLocked(): Promise<void> {
    if (this.index.nextId > this.persistedSeries) {
      const app = await this.conn.createAppender('series');
      for (let id = this.persistedSeries; id < this.index.nextId; id++) {
        const s = this.index.get(id);
        if (s === undefined) continue;
        app.appendInteger(id);
        app.appendVarchar(JSON.stringify(s.labels));
        app.endRow();
      }
      app.closeSync();
      this.persistedSeries = this.index.nextId;
    }
    for (const metric of [...this.dirtyMetadata]) {
      const m = this.metadataMap.get(metric)!;
      this.dirtyMetadata.delete(metric); // before the await: a change made meanwhile marks it again
      try {
        await this.conn.run('INSERT OR REPLACE INTO metadata VALUES ($1, $2, $3, $4)', [
          metric,
          m.type,
          m.help,
          m.unit,
        ]);
      } catch (err) {
        this.dirtyMetadata.add(metric);
        throw err;
      }
    }
    if (this.buffer.length === 0) return;
    const rows = this.buffer.take();
    try {
      const app = await this.conn.createAppender('head');
      for (let from = 0; from < rows.length; from += VECTOR_SIZE) {
        const n = Math.min(VECTOR_SIZE, rows.length - from);
        app.appendDataChunk(this.chunkWriter.fill(rows.ids, rows.ts, rows.vs, from, n));
      }
      app.closeSync();
    } catch (err) {
      this.buffer.prepend(rows);
      throw err;
    }
    for (let i = 0; i < rows.length; i++) if (rows.ts[i]! < this.headMinT) this.headMinT = rows.ts[i]!;
    this.buffer.recycle(rows);
  }

  /**
   * maintain compacts every head window that closed at least compactDelayMs before the newest sample and
   * drops blocks (and head rows) older than the retention, then checkpoints so freed blocks are reused.
   * `compactAll` also compacts the windows still open (for benchmarks and imports; late samples of those
   * windows then start a second block).
   */
  maintain(opts: { compactAll?: boolean } = {}): Promise<void> {
    return this.maintenance.run(async () => {
      this.assertOpen();
      const { blockMs, compactDelayMs, retentionMs } = this.options;
      this.compactConn ??= await this.db.instance.connect();
      const conn = this.compactConn;
      let changed = false;
      let headMinT = await this.headMin(conn);
      while (Number.isFinite(headMinT)) {
        const start = Math.floor(headMinT / blockMs) * blockMs;
        if (opts.compactAll !== true && this.maxTime < start + blockMs + compactDelayMs) break;
        const seq = this.nextSeq++;
        const block = await compactWindow(
          conn,
          seq,
          start,
          start + blockMs,
          (id) => blockOrderKey(this.index.get(id)!),
          (commit, block) =>
            this.mutex.run(async () => {
              await commit();
              block.seriesOfK = shareRanks(block.seriesOfK, this.blocks);
              this.blocks.push(block);
              this.blocks.sort((x, y) => x.mint - y.mint || x.seq - y.seq);
            }),
        );
        if (block === null) break;
        changed = true;
        headMinT = await this.headMin(conn);
      }
      await this.mutex.run(async () => {
        this.headMinT = await this.headMin(this.conn);
        const cutoff = this.maxTime - retentionMs;
        let dropped = false;
        for (const b of this.blocks.filter((x) => x.maxt < cutoff)) {
          await dropBlock(this.conn, b);
          this.blocks = this.blocks.filter((x) => x !== b);
          dropped = true;
        }
        if (this.headMinT < cutoff) {
          await this.conn.run('DELETE FROM head WHERE t < $1', [BigInt(Math.floor(cutoff))]);
          this.headMinT = await this.headMin(this.conn);
          dropped = true;
        }
        if (dropped) {
          let oldest = this.headMinT;
          for (const b of this.blocks) oldest = Math.min(oldest, b.mint);
          for (let i = 0; i < this.buffer.length; i++) oldest = Math.min(oldest, this.buffer.ts[i]!);
          if (Number.isFinite(oldest)) this.index.dropBefore(oldest);
          changed = true;
        }
      });
      if (changed) await this.checkpoint();
    });
  }

  private async headMin(conn: DuckDBConnection): Promise<number> {
    const r = await conn.runAndReadAll('SELECT min(t)::DOUBLE FROM head');
    const v = r.getRows()[0]?.[0];
    return typeof v === 'number' ? v : Infinity;
  }

  /** tick is the background flush: flush, then maintenance when a window closed or data expired. */
  private tick(): void {
    if (this.background !== null || this.closed) return;
    this.background = (async () => {
      try {
        await this.flush();
        const { blockMs, compactDelayMs, retentionMs } = this.options;
        const due =
          this.maxTime >= Math.floor(this.headMinT / blockMs) * blockMs + blockMs + compactDelayMs ||
          (this.blocks.length > 0 && this.blocks[0]!.maxt < this.maxTime - retentionMs);
        if (due) await this.maintain();
        this.lastFlushError = null;
      } catch (err) {
        this.lastFlushError = err instanceof Error ? err : new Error(String(err));
        console.error(
          `vigie storage: background flush of ${this.db.file} failed:`,
          this.lastFlushError.message,
        );
      } finally {
        this.background = null;
      }
    })();
  }

  async stats(): Promise<StorageStats> {
    this.assertOpen();
    return this.mutex.run(async () => {
      const r = await this.conn.runAndReadAll(
        'SELECT count(*)::DOUBLE, count(DISTINCT series_id)::DOUBLE, min(t)::DOUBLE FROM head',
      );
      const [headRows, headSeries, headMin] = r.getRows()[0] as [number, number, number | null];
      let samples = headRows + this.buffer.length;
      let oldest = headMin ?? Infinity;
      for (const b of this.blocks) {
        samples += b.rows;
        oldest = Math.min(oldest, b.mint);
      }
      for (let i = 0; i < this.buffer.length; i++) oldest = Math.min(oldest, this.buffer.ts[i]!);
      const seriesInBuffer = new Set(this.buffer.ids.subarray(0, this.buffer.length));
      return {
        series: this.index.size,
        samples,
        bytesOnDisk: fileSize(this.db.file) + fileSize(this.db.file + '.wal'),
        headSeries: Math.max(headSeries, seriesInBuffer.size),
        oldestSampleTime: Number.isFinite(oldest) ? oldest : null,
      };
    });
  }

  /** checkpoint folds the WAL into the database file (what bytesOnDisk figures should be taken after). */
  checkpoint(): Promise<void> {
    return this.mutex.run(async () => void (await this.conn.run('CHECKPOINT')));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    if (this.background !== null) await this.background;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.docs?.close();
      await this.maintenance.run(async () => undefined);
      await this.mutex.run(async () => {
        this.compactConn?.closeSync();
        this.conn.closeSync();
        this.db.instance.closeSync();
        this.db.release();
      });
    }
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
