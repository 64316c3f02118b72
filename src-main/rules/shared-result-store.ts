/** SharedResultOptions bound the results kept; every field has a default. */
export interface SharedResultOptions {
  /** maxSamples bounds the samples held per evaluation time (default 2e6, ~150 MB at worst; 0 = off). */
  maxSamples?: number;
  /** keepTimes is how many recent evaluation times keep their results (default 2). */
  keepTimes?: number;
}

/**
 * ResultSlot is the results of one evaluation time, as the engine reads and fills them (get/set); past
 * its sample budget it stops keeping new results, and the rules evaluate those subexpressions each time.
 */
export class ResultSlot {
  private readonly entries = new Map<string, unknown>();
  private samples = 0;

  constructor(private readonly maxSamples: number) {}

  /** size is the number of results kept (for tests and status). */
  get size(): number {
    return this.entries.size;
  }

  get(key: string): unknown {
    return this.entries.get(key);
  }

  set(key: string, value: unknown): void {
    const n = (value as { samples?: unknown[] }).samples?.length ?? 1;
    if (this.samples + n > this.maxSamples) return;
    this.samples += n;
    this.entries.set(key, value);
  }
}

/**
 * SharedResultStore keeps the subexpression results the PromQL engine shares between the rules evaluated
 * at one time (promql/shared-results.ts): the warning and critical rule of a threshold, and threshold rules
 * on the same expression, evaluate that expression once per cycle instead of once per rule. The latest
 * `keepTimes` evaluation times keep theirs, since groups with other intervals interleave.
 */
export class SharedResultStore {
  private readonly slots = new Map<number, ResultSlot>();
  private readonly maxSamples: number;
  private readonly keepTimes: number;

  constructor(o: SharedResultOptions = {}) {
    this.maxSamples = o.maxSamples ?? 2e6;
    this.keepTimes = Math.max(1, o.keepTimes ?? 2);
  }

  /** at returns the slot of evaluation time ts, dropping the oldest times past keepTimes. */
  at(ts: number): ResultSlot {
    let slot = this.slots.get(ts);
    if (slot === undefined) {
      slot = new ResultSlot(this.maxSamples);
      this.slots.set(ts, slot);
      while (this.slots.size > this.keepTimes) this.slots.delete(Math.min(...this.slots.keys()));
    }
    return slot;
  }
}
