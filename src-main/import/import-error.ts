import type { ImportProgress } from './api';

/**
 * ImportError is an import stopped by a bad line: its message is `FILE:LINE:COL: reason`, the form editors
 * and terminals link to. `stored` says what was committed before the failing batch: that data stays.
 */
export class ImportError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
    readonly stored: ImportProgress,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'ImportError';
  }
}
