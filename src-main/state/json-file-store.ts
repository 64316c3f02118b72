import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DocumentStore, StoredDocument } from './api';

/** JsonFileStoreOptions bound what the store accepts. */
export interface JsonFileStoreOptions {
  /** path of the JSON file (created on first save). */
  path: string;
  /** maxDocumentBytes refuses a larger document (default 1 MiB). */
  maxDocumentBytes?: number;
  /** maxDocuments per kind (default 1000). */
  maxDocuments?: number;
}

type FileShape = Record<string, Record<string, StoredDocument>>;

/**
 * JsonFileStore is a DocumentStore in one JSON file of the data folder, rewritten atomically (temp file then
 * rename) on every change, so a crash leaves either the old or the new file, never half of one. The storage
 * stage exposes no table for app documents, and dashboards are few and small, so a file is enough.
 * Writes are serialised, reads come from memory.
 */
export class JsonFileStore implements DocumentStore {
  private data: FileShape | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly maxBytes: number;
  private readonly maxDocs: number;

  constructor(private readonly options: JsonFileStoreOptions) {
    this.maxBytes = options.maxDocumentBytes ?? 1 << 20;
    this.maxDocs = options.maxDocuments ?? 1000;
  }

  private async load(): Promise<FileShape> {
    if (this.data !== undefined) return this.data;
    let text: string;
    try {
      text = await readFile(this.options.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return (this.data = {});
    }
    try {
      this.data = JSON.parse(text) as FileShape;
    } catch (e) {
      throw new Error(
        `${this.options.path}: not valid JSON (${(e as Error).message}); fix or remove the file`,
      );
    }
    return this.data;
  }

  private async save(): Promise<void> {
    const tmp = `${this.options.path}.${process.pid}.tmp`;
    await mkdir(dirname(this.options.path), { recursive: true });
    await writeFile(tmp, JSON.stringify(this.data, null, 2) + '\n');
    await rename(tmp, this.options.path);
  }

  /** serial runs one change at a time, so two saves never interleave their temp files. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const next = this.queue.then(f, f);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async list(kind: string): Promise<StoredDocument[]> {
    const data = await this.load();
    return Object.values(data[kind] ?? {}).sort((a, b) => a.id.localeCompare(b.id));
  }

  async get(kind: string, id: string): Promise<StoredDocument | undefined> {
    return (await this.load())[kind]?.[id];
  }

  put(kind: string, id: string, doc: unknown, updated?: number): Promise<StoredDocument> {
    return this.serial(async () => {
      const size = Buffer.byteLength(JSON.stringify(doc));
      if (size > this.maxBytes)
        throw new RangeError(`${kind} ${id}: ${size} bytes is over the ${this.maxBytes}-byte limit`);
      const data = await this.load();
      const docs = (data[kind] ??= {});
      if (docs[id] === undefined && Object.keys(docs).length >= this.maxDocs)
        throw new RangeError(`${kind}: the limit of ${this.maxDocs} documents is reached`);
      const stored = { id, updated: updated ?? Date.now(), doc };
      docs[id] = stored;
      await this.save();
      return stored;
    });
  }

  delete(kind: string, id: string): Promise<boolean> {
    return this.serial(async () => {
      const data = await this.load();
      if (data[kind]?.[id] === undefined) return false;
      delete data[kind][id];
      await this.save();
      return true;
    });
  }
}
