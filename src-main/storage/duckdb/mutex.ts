/**
 * Mutex serialises the store's DuckDB work (flush, compaction, retention, query reads) so that a query sees
 * the database and the in-memory write buffer at one consistent moment: a flush moves rows from the buffer
 * into the database, and a query overlapping it would otherwise read them twice or not at all.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  /** run executes fn once every earlier holder has finished, and releases even when fn throws. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
