import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** ConfigProblem is one thing wrong with a config file, located at a line and column (1-based). */
export interface ConfigProblem {
  file: string;
  /** line and col are 0 when the problem has no place in the text (e.g. the file cannot be read). */
  line: number;
  col: number;
  /** path is the key path (`scrape_configs[0].scrape_interval`), empty for syntax errors. */
  path: string;
  message: string;
}

/** formatProblem renders a problem as `file:line:col: key.path: message`, the form editors jump to. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  return p.path === '' ? `${where}: ${p.message}` : `${where}: ${p.path}: ${p.message}`;
}

/**
 * ConfigError lists every problem of a config file at once, so a user fixes them in one pass rather than
 * one per restart. Its message is one problem per line.
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

/** KeyPath is a path into the YAML document: map keys and sequence indices. */
export type KeyPath = readonly PropertyKey[];

/** formatPath renders a key path as `scrape_configs[0].static_configs[1].targets`. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/**
 * Locator turns key paths back into text positions using the YAML nodes' source ranges. A path that ends at
 * a map entry points at the entry's key (where the eye looks for `scrape_interval:`); a path that does not
 * exist in the text (a missing required key) points at the deepest node that does.
 */
export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** locate gives the 1-based line and column of a key path. */
  locate(path: KeyPath): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let at: Node | null = this.doc.contents;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (pair === undefined) break;
        at = isScalar(pair.key) ? pair.key : at;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item: unknown = node.items[seg];
        if (item === undefined || item === null) break;
        node = item;
        if (isMap(item) || isSeq(item) || isScalar(item)) at = item;
      } else break;
    }
    return this.position(at?.range?.[0] ?? 0);
  }

  /** position converts a character offset into a 1-based line and column. */
  position(offset: number): { line: number; col: number } {
    const pos = this.lines.linePos(offset);
    return { line: pos.line, col: pos.col };
  }
}
