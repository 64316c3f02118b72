import type { DocumentStore, StoredDocument } from './api';

/**
 * MemoryDocumentStore is a DocumentStore that forgets everything when the process ends: for the memory
 * storage, tests and runs without a data folder. Documents are copied in and out (structuredClone) so a
 * caller mutating its object cannot change what is stored, as with the persistent stores.
 */
export class MemoryDocumentStore implements DocumentStore {
  private readonly kinds = new Map<string, Map<string, StoredDocument>>();

  list(kind: string): Promise<StoredDocument[]> {
    const docs = [...(this.kinds.get(kind)?.values() ?? [])].sort((a, b) => a.id.localeCompare(b.id));
    return Promise.resolve(docs.map((d) => structuredClone(d)));
  }

  get(kind: string, id: string): Promise<StoredDocument | undefined> {
    const d = this.kinds.get(kind)?.get(id);
    return Promise.resolve(d === undefined ? undefined : structuredClone(d));
  }

  put(kind: string, id: string, doc: unknown, updated?: number): Promise<StoredDocument> {
    let docs = this.kinds.get(kind);
    if (docs === undefined) this.kinds.set(kind, (docs = new Map()));
    const stored: StoredDocument = { id, updated: updated ?? Date.now(), doc: structuredClone(doc) };
    docs.set(id, stored);
    return Promise.resolve(structuredClone(stored));
  }

  delete(kind: string, id: string): Promise<boolean> {
    return Promise.resolve(this.kinds.get(kind)?.delete(id) ?? false);
  }
}
