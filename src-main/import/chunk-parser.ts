import { createParser, ExpositionError, type ExpositionParser } from '../scrape/api';
import type { LineChunk } from './line-chunks';

/** OPENMETRICS is the content type that makes createParser read OpenMetrics 1.0 (seconds timestamps). */
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

/** EOF_LINE ends an OpenMetrics exposition. */
const EOF_LINE = '# EOF';

/** FamilyContext is the last `# TYPE` line seen, carried into the next chunk. */
export interface FamilyContext {
  typeLine: string;
}

/**
 * ChunkParse is the exposition parser over one chunk of a file, made whole: the last `# TYPE` line of the
 * previous chunks is put in front (the parser needs the family to skip `_created` series and to normalise
 * `le` and `quantile` values), and a `# EOF` line is put after a chunk that is not the file's end.
 * It maps the parser's line numbers back to the file's.
 */
export class ChunkParse {
  readonly parser: ExpositionParser;
  /** prefixEntries is how many entries the carried-in TYPE line produces (skip them: already recorded). */
  readonly prefixEntries: number;
  /** endsWithEof tells whether the chunk's own last line is `# EOF`. */
  readonly endsWithEof: boolean;
  private readonly prefix: string;
  private readonly suffix: string;

  constructor(
    readonly chunk: LineChunk,
    family: FamilyContext | undefined,
  ) {
    this.prefix = family === undefined ? '' : family.typeLine + '\n';
    this.prefixEntries = family === undefined ? 0 : 1;
    this.endsWithEof = endsWithEofLine(chunk.text);
    this.suffix = chunk.last || this.endsWithEof ? '' : EOF_LINE + '\n';
    this.parser = createParser(this.prefix + chunk.text + this.suffix, OPENMETRICS);
  }

  /** fileLine turns a line number of the parsed text into the file's line number. */
  fileLine(parsedLine: number): number {
    return this.chunk.firstLine + parsedLine - 1 - this.prefixEntries;
  }

  /** fileError re-states a parser error with the file's line number. */
  fileError(err: ExpositionError): { line: number; column: number; reason: string } {
    return { line: this.fileLine(err.line), column: err.column, reason: err.reason };
  }

  /**
   * locateEntry finds the chunk line of the parser's n-th entry (1-based, carried-in TYPE line included).
   * It is the cold path of a refused sample: the parser keeps no line numbers for good lines, so this
   * searches for the shortest run of leading lines whose parse yields n entries (entries grow with lines).
   */
  locateEntry(n: number): { line: number; text: string } {
    const lines = this.chunk.text.split('\n');
    let lo = 1;
    let hi = lines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (countEntries(this.prefix + lines.slice(0, mid).join('\n') + '\n' + EOF_LINE + '\n') >= n) hi = mid;
      else lo = mid + 1;
    }
    return { line: this.chunk.firstLine + lo - 1, text: lines[lo - 1] ?? '' };
  }
}

/** countEntries counts the entries of a body that parses cleanly up to its end (or up to an error). */
function countEntries(body: string): number {
  const p = createParser(body, OPENMETRICS);
  let n = 0;
  try {
    while (p.next() !== undefined) n++;
  } catch (err) {
    if (!(err instanceof ExpositionError)) throw err;
  }
  return n;
}

/** endsWithEofLine tells whether the last line of text (ignoring one trailing newline) is `# EOF`. */
function endsWithEofLine(text: string): boolean {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  return body === EOF_LINE || body.endsWith('\n' + EOF_LINE);
}

/**
 * byteColumn is the 1-based column, counted in UTF-8 bytes as the parser counts them, of character index i
 * of a line.
 */
export function byteColumn(line: string, i: number): number {
  return Buffer.byteLength(line.slice(0, i), 'utf8') + 1;
}

/**
 * valueEnd is the index just past the value of a sample line whose series is written as `key`: OpenMetrics
 * puts exactly one space between the series and the value, and one before the timestamp.
 */
export function valueEnd(line: string, key: string): number {
  const start = line.startsWith(key) ? key.length + 1 : 0;
  const space = line.indexOf(' ', start);
  return space < 0 ? line.length : space;
}
