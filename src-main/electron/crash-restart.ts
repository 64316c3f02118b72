/** RestartSettings bound automatic renderer restarts so a page that crashes on load cannot loop forever. */
export interface RestartSettings {
  /** maxRestarts within windowMs before giving up (default 5). */
  maxRestarts?: number;
  /** windowMs is the sliding window the restarts are counted in (default 60 s). */
  windowMs?: number;
  now?: () => number;
}

/** RestartDecision is what to do after the renderer process went away. */
export type RestartDecision = 'reload' | 'give-up' | 'ignore';

/**
 * RendererRestartPolicy decides, for each `render-process-gone`, whether to reload the page: a wall screen
 * must come back by itself after a crash or an out-of-memory kill, but not spin on a page that keeps
 * crashing. A clean exit (the window closing) is never restarted.
 */
export class RendererRestartPolicy {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  #restarts: number[] = [];

  constructor(s: RestartSettings = {}) {
    this.#max = s.maxRestarts ?? 5;
    this.#windowMs = s.windowMs ?? 60_000;
    this.#now = s.now ?? Date.now;
  }

  /** decide records a renderer exit with Electron's reason and says what to do. */
  decide(reason: string): RestartDecision {
    if (reason === 'clean-exit') return 'ignore';
    const now = this.#now();
    this.#restarts = this.#restarts.filter((t) => now - t < this.#windowMs);
    if (this.#restarts.length >= this.#max) return 'give-up';
    this.#restarts.push(now);
    return 'reload';
  }
}
