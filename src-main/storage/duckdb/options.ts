/** DuckDBStorageOptions are the settings of the DuckDB store; every limit has a default in DEFAULTS. */
export interface DuckDBStorageOptions {
  /** dir is the data folder; the database file is `<dir>/vigie.duckdb`. Created when missing. */
  dir: string;
  /** retentionMs is how long samples are kept, measured back from the newest sample time (default 30 d). */
  retentionMs?: number;
  /** flushIntervalMs bounds how long a committed sample may live only in memory (default 1000). */
  flushIntervalMs?: number;
  /** blockMs is the width of one compacted block table (default 2 h). */
  blockMs?: number;
  /**
   * compactDelayMs is how far the newest sample must be past a block's end before that block is compacted,
   * so that late scrapes still land in the head (default half a block).
   */
  compactDelayMs?: number;
  /** threads is DuckDB's worker thread count (default 2: the appliance shares small machines). */
  threads?: number;
  /**
   * memoryLimit is DuckDB's buffer memory limit, e.g. "512MB" (default 256MB). DuckDB's own default is 80 %
   * of RAM, which on a small box lets its buffer pool crowd out everything else; past the limit it spills
   * to disk (compaction's sort) instead of growing.
   */
  memoryLimit?: string;
  /**
   * duckdbSettings are further DuckDB settings passed when the database is opened (name → value), merged
   * over DEFAULT_DUCKDB_SETTINGS; an unknown name or bad value fails the open with DuckDB's message.
   */
  duckdbSettings?: Readonly<Record<string, string>>;
  /** maxSeries refuses new series past this count with AppendError('invalid') (default 1 000 000). */
  maxSeries?: number;
  /**
   * blockCacheBytes bounds the decoded block samples kept between queries (default 64 MiB here, 128 MiB from the config; 0 = off): what
   * lets a dashboard's refresh skip decoding compacted blocks again (block-cache.ts).
   */
  blockCacheBytes?: number;
}

/** ResolvedOptions are the options with every default filled in. */
export type ResolvedOptions = Required<DuckDBStorageOptions>;

const DAY = 24 * 3600 * 1000;

/** DEFAULTS are the settings used when an option is not given. */
export const DEFAULTS = {
  retentionMs: 30 * DAY,
  flushIntervalMs: 1000,
  blockMs: 2 * 3600 * 1000,
  threads: 2,
  maxSeries: 1_000_000,
  memoryLimit: '256MB',
  blockCacheBytes: 64 * 1024 * 1024,
} as const;

/**
 * DEFAULT_DUCKDB_SETTINGS keep DuckDB lean inside a long-running appliance. DuckDB's allocator keeps up to
 * allocator_flush_threshold (128 MiB) of freed memory per thread cache for reuse, which shows as resident
 * memory that nothing uses between flushes; flushing at 16 MiB costs no measurable CPU at our batch sizes
 * (see docs/storage.md, Figures). checkpoint_threshold: rows appended since the last checkpoint stay in
 * memory (duckdb_memory()'s IN_MEMORY_TABLE) until the WAL reaches it; at DuckDB's 16 MiB that was up to
 * 19 MB resident at 50 hosts, at 2 MiB ~3 MB, with no more CPU per sample (bench/memory/headless-50-hosts.ts,
 * 13.9 vs 15.7 CPU-s per million samples, one run each on a loaded machine). The WAL keeps durability.
 */
export const DEFAULT_DUCKDB_SETTINGS: Readonly<Record<string, string>> = {
  allocator_flush_threshold: '16MB',
  checkpoint_threshold: '2MB',
};

/** resolveOptions fills defaults and refuses nonsensical settings with the name of the bad field. */
export function resolveOptions(o: DuckDBStorageOptions): ResolvedOptions {
  if (typeof o.dir !== 'string' || o.dir === '')
    throw new Error('storage option "dir": a folder path is required');
  const blockMs = o.blockMs ?? DEFAULTS.blockMs;
  const r: ResolvedOptions = {
    dir: o.dir,
    retentionMs: o.retentionMs ?? DEFAULTS.retentionMs,
    flushIntervalMs: o.flushIntervalMs ?? DEFAULTS.flushIntervalMs,
    blockMs,
    compactDelayMs: o.compactDelayMs ?? Math.floor(blockMs / 2),
    threads: o.threads ?? DEFAULTS.threads,
    maxSeries: o.maxSeries ?? DEFAULTS.maxSeries,
    memoryLimit: o.memoryLimit ?? DEFAULTS.memoryLimit,
    blockCacheBytes: o.blockCacheBytes ?? DEFAULTS.blockCacheBytes,
    duckdbSettings: { ...DEFAULT_DUCKDB_SETTINGS, ...o.duckdbSettings },
  };
  const positive: (keyof ResolvedOptions)[] = [
    'retentionMs',
    'flushIntervalMs',
    'blockMs',
    'threads',
    'maxSeries',
  ];
  for (const k of positive) {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      throw new Error(`storage option "${k}": expected a positive number, got ${String(v)}`);
  }
  if (!Number.isFinite(r.blockCacheBytes) || r.blockCacheBytes < 0)
    throw new Error(`storage option "blockCacheBytes": expected a number >= 0, got ${r.blockCacheBytes}`);
  // Block rows store gaps as INTEGER milliseconds, so a block may span at most 2^31 ms (~24.8 days).
  if (r.blockMs > 2 ** 31 - 1)
    throw new Error(`storage option "blockMs": at most ${2 ** 31 - 1} ms (24.8 days), got ${r.blockMs}`);
  if (!Number.isFinite(r.compactDelayMs) || r.compactDelayMs < 0)
    throw new Error(`storage option "compactDelayMs": expected a number >= 0, got ${r.compactDelayMs}`);
  if (!/^\d+(\.\d+)?\s*[KMGT]i?B$/i.test(r.memoryLimit))
    throw new Error(
      `storage option "memoryLimit": expected a size like "512MB", got ${JSON.stringify(r.memoryLimit)}`,
    );
  return r;
}
