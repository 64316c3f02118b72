/**
 * Limiter bounds how many probes run at once (the `probes.max_concurrency` setting). Waiters are served in
 * arrival order. A probe holds its slot for at most its timeout, so a hanging target delays others only
 * when more hanging targets than slots exist — and then by at most one timeout.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`concurrency limit must be at least 1, got ${max}`);
  }

  /** run waits for a slot, runs f and frees the slot whatever f does. */
  async run<T>(f: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await f();
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.active--;
    }
  }

  /** stats: probes running and probes waiting for a slot. */
  stats(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }
}
