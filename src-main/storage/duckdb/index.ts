import { DuckDBStorage } from './duckdb-storage';
import type { DuckDBStorageOptions } from './options';

export { DuckDBStorage } from './duckdb-storage';
export { FolderInUseError, DB_FILE } from './open-database';
export { DEFAULTS as DUCKDB_STORAGE_DEFAULTS, type DuckDBStorageOptions } from './options';

/**
 * openDuckDBStorage opens (creating when needed) the DuckDB store in options.dir. Besides the Storage
 * contract it offers flush() (persist the write buffer now), maintain() (compaction and retention now) and
 * checkpoint(); a background timer does the first two on its own every flushIntervalMs.
 */
export function openDuckDBStorage(options: DuckDBStorageOptions): Promise<DuckDBStorage> {
  return DuckDBStorage.open(options);
}
