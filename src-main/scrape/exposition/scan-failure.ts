/**
 * ScanFailure is what the line scanners throw: the body offset of the offending character and why. The
 * parser, which knows the line being read, turns it into an ExpositionError with line and byte column.
 */
export class ScanFailure extends Error {
  constructor(
    readonly at: number,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'ScanFailure';
  }
}

/** failAt throws a ScanFailure; `never` lets the scanners use it as a statement. */
export function failAt(at: number, reason: string): never {
  throw new ScanFailure(at, reason);
}

/** MAX_QUOTED is how much offending text an error message quotes. */
const MAX_QUOTED = 32;

/** describeToken quotes the offending text at p for an error message: up to the next blank. */
export function describeToken(s: string, p: number): string {
  if (p >= s.length) return 'end of input';
  if (s.charCodeAt(p) === 10) return JSON.stringify('\n');
  let e = p + 1;
  while (e < s.length && e - p < MAX_QUOTED) {
    const c = s.charCodeAt(e);
    if (c === 32 || c === 9 || c === 10) break;
    e++;
  }
  return JSON.stringify(s.slice(p, e));
}

/** quoteRange quotes s[start, end) for an error message, cut at MAX_QUOTED characters. */
export function quoteRange(s: string, start: number, end: number): string {
  return JSON.stringify(s.slice(start, Math.min(end, start + MAX_QUOTED)));
}
