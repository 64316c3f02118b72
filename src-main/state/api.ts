/**
 * DocumentStore keeps the app's small JSON documents (dashboards today) by kind and id. Documents are
 * whole values: a put replaces the stored one. Implementations persist every put before resolving.
 */
export interface DocumentStore {
  list(kind: string): Promise<StoredDocument[]>;
  get(kind: string, id: string): Promise<StoredDocument | undefined>;
  put(kind: string, id: string, doc: unknown): Promise<StoredDocument>;
  /** delete resolves true when a document was removed. */
  delete(kind: string, id: string): Promise<boolean>;
}

/** StoredDocument is a document with its id and when it was last saved (ms). */
export interface StoredDocument {
  id: string;
  updated: number;
  doc: unknown;
}
