import type { DuckDBConnection } from '@duckdb/node-api';
import type { DocumentStore, StoredDocument } from '../../state/api';
import { Mutex } from './mutex';

/** DOCUMENTS_SCHEMA is the table of app documents, beside the series in the appliance's database file. */
export const DOCUMENTS_SCHEMA = `CREATE TABLE IF NOT EXISTS documents(
  kind VARCHAR NOT NULL, id VARCHAR NOT NULL, updated BIGINT NOT NULL, body JSON NOT NULL,
  PRIMARY KEY (kind, id))`;

/** DocumentStoreOptions bound what the store accepts; every limit is a setting. */
export interface DuckDBDocumentStoreOptions {
  /** file names the database in error messages. */
  file: string;
  /** maxDocumentBytes refuses a larger document (default 4 MiB). */
  maxDocumentBytes?: number;
  /** maxDocuments per kind (default 100 000): bounds a runaway writer, e.g. an outbox during a long outage. */
  maxDocuments?: number;
}

/**
 * DuckDBDocumentStore is the DocumentStore in the appliance's own DuckDB file: one row per document in
 * `documents(kind, id, updated, body JSON)`. A put is one INSERT OR REPLACE, committed (and so in DuckDB's
 * write-ahead log) before it resolves, which is what the notification outbox relies on: a notification is
 * stored before it is sent. It has its own connection, so a long query or a compaction on the series never
 * holds up a dashboard save or an outbox write; operations are serialised on it in call order.
 */
export class DuckDBDocumentStore implements DocumentStore {
  private conn: DuckDBConnection | undefined;
  private readonly serial = new Mutex();
  private closed = false;
  private readonly maxBytes: number;
  private readonly maxDocs: number;

  constructor(
    private readonly connect: () => Promise<DuckDBConnection>,
    private readonly o: DuckDBDocumentStoreOptions,
  ) {
    this.maxBytes = o.maxDocumentBytes ?? 4 << 20;
    this.maxDocs = o.maxDocuments ?? 100_000;
  }

  /** run executes f on the store's connection (made, with the table, on first use), one at a time. */
  private run<T>(f: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.serial.run(async () => {
      if (this.closed) throw new Error(`documents of ${this.o.file}: the storage is closed`);
      if (this.conn === undefined) {
        const c = await this.connect();
        await c.run(DOCUMENTS_SCHEMA);
        this.conn = c;
      }
      return f(this.conn);
    });
  }

  list(kind: string): Promise<StoredDocument[]> {
    return this.run(async (c) => {
      const r = await c.runAndReadAll(
        'SELECT id, updated::DOUBLE, body::VARCHAR FROM documents WHERE kind = $1 ORDER BY id',
        [kind],
      );
      return (r.getRows() as [string, number, string][]).map(([id, updated, body]) =>
        parse(kind, id, updated, body, this.o.file),
      );
    });
  }

  get(kind: string, id: string): Promise<StoredDocument | undefined> {
    return this.run(async (c) => {
      const r = await c.runAndReadAll(
        'SELECT updated::DOUBLE, body::VARCHAR FROM documents WHERE kind = $1 AND id = $2',
        [kind, id],
      );
      const row = r.getRows()[0] as [number, string] | undefined;
      return row === undefined ? undefined : parse(kind, id, row[0], row[1], this.o.file);
    });
  }

  put(kind: string, id: string, doc: unknown, updated?: number): Promise<StoredDocument> {
    const body = JSON.stringify(doc);
    if (body === undefined) return Promise.reject(new TypeError(`${kind} ${id}: not a JSON value`));
    const size = Buffer.byteLength(body);
    if (size > this.maxBytes)
      return Promise.reject(
        new RangeError(`${kind} ${id}: ${size} bytes is over the ${this.maxBytes}-byte limit`),
      );
    const stored: StoredDocument = { id, updated: updated ?? Date.now(), doc: JSON.parse(body) };
    return this.run(async (c) => {
      const exists = await c.runAndReadAll('SELECT 1 FROM documents WHERE kind = $1 AND id = $2', [kind, id]);
      if (exists.getRows().length === 0) {
        const n = await c.runAndReadAll('SELECT count(*)::DOUBLE FROM documents WHERE kind = $1', [kind]);
        if ((n.getRows()[0]![0] as number) >= this.maxDocs)
          throw new RangeError(`${kind}: the limit of ${this.maxDocs} documents is reached`);
      }
      await c.run('INSERT OR REPLACE INTO documents VALUES ($1, $2, $3, $4)', [
        kind,
        id,
        BigInt(Math.round(stored.updated)),
        body,
      ]);
      return stored;
    });
  }

  delete(kind: string, id: string): Promise<boolean> {
    return this.run(async (c) => {
      const r = await c.runAndReadAll('DELETE FROM documents WHERE kind = $1 AND id = $2 RETURNING id', [
        kind,
        id,
      ]);
      return r.getRows().length > 0;
    });
  }

  /** close waits for the operations already asked for, then releases the connection. */
  close(): Promise<void> {
    return this.serial.run(async () => {
      this.closed = true;
      this.conn?.closeSync();
      this.conn = undefined;
    });
  }
}

/** parse reads a stored body, naming the document when the database holds something unreadable. */
function parse(kind: string, id: string, updated: number, body: string, file: string): StoredDocument {
  try {
    return { id, updated, doc: JSON.parse(body) as unknown };
  } catch (e) {
    throw new Error(`${file}: document ${kind}/${id} is not valid JSON (${(e as Error).message})`);
  }
}
