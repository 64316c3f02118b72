import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedOptions } from './options';

/** DB_FILE is the database file's name inside the data folder. */
export const DB_FILE = 'vigie.duckdb';

/** openFolders holds the data folders this process has open: DuckDB's file lock does not stop a second
 * instance inside the same process, which would corrupt the file. */
const openFolders = new Set<string>();

/** FolderInUseError says that another Vigie process (or this one) already owns a data folder. */
export class FolderInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number | null,
  ) {
    super(
      pid === process.pid
        ? `data folder ${dir} is already open in this process (pid ${pid}); close the other store first`
        : `data folder ${dir} is in use by another Vigie process` +
            (pid !== null ? ` (pid ${pid})` : '') +
            '; stop it or choose another data folder',
    );
    this.name = 'FolderInUseError';
  }
}

/** OpenedDatabase is an instance plus the key under which its folder is claimed in this process. */
export interface OpenedDatabase {
  instance: DuckDBInstance;
  file: string;
  release(): void;
}

/**
 * openDatabase creates the data folder, claims it for this process and opens `vigie.duckdb`, turning
 * DuckDB's lock conflict ("Conflicting lock is held in ... (PID n)") into a FolderInUseError.
 */
export async function openDatabase(o: ResolvedOptions): Promise<OpenedDatabase> {
  mkdirSync(o.dir, { recursive: true });
  const dir = realpathSync(o.dir);
  if (openFolders.has(dir)) throw new FolderInUseError(dir, process.pid);
  const file = join(dir, DB_FILE);
  const config: Record<string, string> = { threads: String(o.threads) };
  config.memory_limit = o.memoryLimit;
  Object.assign(config, o.duckdbSettings);
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, config);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/Could not set lock|Conflicting lock/i.test(msg)) {
      const pid = /PID (\d+)/.exec(msg);
      throw new FolderInUseError(dir, pid !== null ? Number(pid[1]) : null);
    }
    const setting = Object.keys(o.duckdbSettings).find((k) => msg.includes(k));
    if (setting !== undefined)
      throw new Error(`storage option "duckdbSettings.${setting}": ${msg}`, { cause: err });
    throw new Error(`cannot open the database ${file}: ${msg}`, { cause: err });
  }
  openFolders.add(dir);
  return { instance, file, release: () => void openFolders.delete(dir) };
}

/** SCHEMA creates the store's fixed tables; block tables are made by compaction. */
export const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS series(id INTEGER NOT NULL, labels VARCHAR NOT NULL)',
  `CREATE TABLE IF NOT EXISTS metadata(metric VARCHAR PRIMARY KEY, type VARCHAR NOT NULL,
     help VARCHAR NOT NULL, unit VARCHAR NOT NULL)`,
  'CREATE TABLE IF NOT EXISTS head(series_id INTEGER NOT NULL, t BIGINT NOT NULL, v DOUBLE)',
  'CREATE TABLE IF NOT EXISTS blocks(seq INTEGER NOT NULL, mint BIGINT, maxt BIGINT, rows BIGINT)',
];
