import type { MetricMetadata } from '../storage/api';

/** MetadataLine is one TYPE / HELP / UNIT line of a scrape as read: its raw text and what it said. */
export interface MetadataLine {
  raw: string;
  name: string;
  kind: 'type' | 'help' | 'unit';
  /** value is the type, or the unescaped help or unit text. */
  value: string;
}

/**
 * MetadataLines remembers the TYPE / HELP / UNIT lines of a target's last successful scrape, in order, so
 * that the next scrape can compare each such line with the one at the same place as raw text and, when
 * every one is the same, skip building and comparing the families' metadata at all: nothing changed.
 * An exporter repeats its metadata word for word, so this is the common case.
 */
export class MetadataLines {
  /** last: the lines of the last successful scrape; next: those of the current one, once it differs. */
  private last: MetadataLine[] = [];
  private next: MetadataLine[] | undefined;
  /** matched counts the current scrape's lines that equal last's, from the start. */
  private matched = 0;

  /** same tells whether the current scrape's next metadata line is, as text, the one at its place last time. */
  same(raw: string): boolean {
    if (this.next !== undefined) return false;
    const line = this.last[this.matched];
    if (line === undefined || line.raw !== raw) return false;
    this.matched++;
    return true;
  }

  /**
   * diverge starts recording the current scrape's lines when one differed: it returns the lines that
   * matched so far, which the caller replays as if it had read them.
   */
  diverge(): readonly MetadataLine[] {
    if (this.next === undefined) this.next = this.last.slice(0, this.matched);
    return this.next;
  }

  /** record keeps a line of a diverged scrape (own strings: slices would keep the body alive). */
  record(line: MetadataLine): void {
    (this.next ??= this.last.slice(0, this.matched)).push(line);
  }

  /**
   * unchanged tells, at the end of a scrape, whether its metadata lines were exactly last time's, and
   * lists the family names for the caller to mark seen.
   */
  unchanged(): readonly MetadataLine[] | undefined {
    return this.next === undefined && this.matched === this.last.length ? this.last : undefined;
  }

  /** succeed makes the current scrape's lines the ones the next scrape compares with. */
  succeed(): void {
    if (this.next !== undefined || this.matched !== this.last.length)
      this.last = this.next ?? this.last.slice(0, this.matched);
    this.reset();
  }

  /** reset forgets the current scrape's lines (it failed): the next one compares with the last good one. */
  reset(): void {
    this.next = undefined;
    this.matched = 0;
  }
}

/** applyLine folds one metadata line into a scrape's per-family metadata. */
export function applyLine(line: MetadataLine, seen: Map<string, MetricMetadata>): void {
  let m = seen.get(line.name);
  if (m === undefined) {
    m = { type: 'unknown', help: '', unit: '' };
    seen.set(line.name, m);
  }
  if (line.kind === 'type') m.type = line.value as MetricMetadata['type'];
  else if (line.kind === 'help') m.help = line.value;
  else m.unit = line.value;
}
