/**
 * storage/index.ts is what the wiring (appliance.ts, cli.ts) imports to build a Storage; other stages use
 * only the contract in ./api.
 */
export * from './api';
export { MemoryStorage } from './memory/memory-storage';
export {
  openDuckDBStorage,
  DuckDBStorage,
  FolderInUseError,
  DUCKDB_STORAGE_DEFAULTS,
  type DuckDBStorageOptions,
} from './duckdb/index';
