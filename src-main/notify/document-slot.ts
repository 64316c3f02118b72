import type { DocumentStore } from '../state/api';

/** StateSlot holds one small document the notify stage keeps across restarts. */
export interface StateSlot<T> {
  /** load returns the stored document, or undefined when there is none yet. */
  load(): Promise<T | undefined>;
  save(doc: T): Promise<void>;
}

/**
 * DocumentSlot is a StateSlot on one (kind, id) of the DocumentStore. Saves are serialised in call order and
 * skipped when nothing changed since the last one, since the router saves after every flush.
 */
export class DocumentSlot<T> implements StateSlot<T> {
  private last = '';
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: DocumentStore,
    readonly kind: string,
    readonly id: string,
  ) {}

  async load(): Promise<T | undefined> {
    const d = await this.store.get(this.kind, this.id);
    if (d === undefined) return undefined;
    this.last = JSON.stringify(d.doc);
    return d.doc as T;
  }

  save(doc: T): Promise<void> {
    const text = JSON.stringify(doc);
    if (text === this.last) return this.writing;
    this.last = text;
    const next = this.writing.then(async () => void (await this.store.put(this.kind, this.id, doc)));
    // A failed save is reported to its caller; the next save must not inherit the failure.
    this.writing = next.catch(() => {
      this.last = '';
    });
    return next;
  }
}
