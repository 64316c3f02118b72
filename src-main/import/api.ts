import type { Storage } from '../storage/api';

/**
 * ImportStorage is the store an import writes to: the Storage contract, plus the maintenance calls the
 * DuckDB store offers. Each is optional so the import also runs over the in-memory store in tests; when
 * present, flush() bounds memory during the import and maintain()/checkpoint() leave the data compacted
 * into blocks, as scraped data ends up.
 */
export interface ImportStorage extends Storage {
  flush?(): Promise<void>;
  maintain?(opts?: { compactAll?: boolean }): Promise<void>;
  checkpoint?(): Promise<void>;
}

/** ImportProgress is what an import has stored so far. */
export interface ImportProgress {
  /** samples committed to the store (a failing batch's samples are not counted). */
  samples: number;
  /** series that got at least one committed sample. */
  series: number;
  /** lines of the file fully imported (the lines of every committed batch). */
  lines: number;
  /** bytesRead of the file so far, and its size. */
  bytesRead: number;
  totalBytes: number;
  elapsedMs: number;
  /** minTime and maxTime bound the committed samples' timestamps (ms); NaN before the first sample. */
  minTime: number;
  maxTime: number;
}

/** ImportOptions configure importOpenMetrics; every limit has a default in IMPORT_DEFAULTS. */
export interface ImportOptions {
  /** file is an OpenMetrics text file whose every sample has a timestamp (promtool's backfill input). */
  file: string;
  storage: ImportStorage;
  /**
   * batchBytes is the size of one read and one appender batch (whole lines). A batch is committed only
   * when all of its lines parsed and were accepted, so a bad line loses at most its own batch.
   */
  batchBytes?: number;
  /** flushSamples: call storage.flush() once this many samples were committed since the last flush. */
  flushSamples?: number;
  /** compactAll compacts even the newest, still open time window at the end (default true). */
  compactAll?: boolean;
  /** onProgress is called at most every progressIntervalMs, after a committed batch. */
  onProgress?: (p: ImportProgress) => void;
  progressIntervalMs?: number;
  /** signal stops the import between batches; what was committed stays. */
  signal?: AbortSignal;
}

/** IMPORT_DEFAULTS are the settings an import uses when an option is not given. */
export const IMPORT_DEFAULTS = {
  batchBytes: 4_000_000,
  flushSamples: 1_000_000,
  compactAll: true,
  progressIntervalMs: 1000,
} as const;

export { ImportError } from './import-error';
export { importOpenMetrics } from './import-openmetrics';
export { formatProgress, formatSummary } from './progress';
