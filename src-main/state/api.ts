/**
 * DocumentStore keeps the app's small JSON documents (dashboards, the notification outbox, silences and
 * acks) by kind and id. Documents are
 * whole values: a put replaces the stored one. Implementations persist every put before resolving.
 */
export interface DocumentStore {
  list(kind: string): Promise<StoredDocument[]>;
  get(kind: string, id: string): Promise<StoredDocument | undefined>;
  /** put stores a document; `updated` (ms) defaults to now and is given only when importing old data. */
  put(kind: string, id: string, doc: unknown, updated?: number): Promise<StoredDocument>;
  /** delete resolves true when a document was removed. */
  delete(kind: string, id: string): Promise<boolean>;
}

/** StoredDocument is a document with its id and when it was last saved (ms). */
export interface StoredDocument {
  id: string;
  updated: number;
  doc: unknown;
}
export { MemoryDocumentStore } from './memory-store';
export { readLegacyJson, retireLegacyFile } from './legacy-file';
