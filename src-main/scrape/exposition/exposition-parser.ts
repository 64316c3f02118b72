import type { Labels } from '../../common/labels';
import type { MetricMetadata } from '../../storage/api';
import * as chars from './chars';
import { scanExemplar } from './exemplar';
import { LabelOffsets, scanLabelBlock } from './label-block';
import { MetaLine, readOpenMetricsMeta, readTextComment } from './metadata-line';
import { normalizeFloatLabel } from './normalize';
import { parseNumber, parseTextTimestamp } from './number';
import type { OpenMetricsValidator } from './openmetrics-validator';
import { describeToken, failAt, quoteRange, ScanFailure } from './scan-failure';
import { ExpositionError, type EntryType, type ExpositionFormat, type ExpositionParser } from './types';
import { unescapeHelp, unescapeLabelValue } from './unescape';

// Module-local copies of the character classes: tsx/esbuild reach imported bindings through getters, which
// costs a call per character in the scanning loops below.
const CH = { ...chars.CH };
const isMetricNameChar = chars.isMetricNameChar;
const isMetricNameStart = chars.isMetricNameStart;

/** CREATED_FAMILY_TYPES are the OpenMetrics types whose `_created` series carry a start time, not a sample. */
const CREATED_FAMILY_TYPES: ReadonlySet<string> = new Set(['counter', 'histogram', 'summary']);

/**
 * LineParser walks a text 0.0.4 or OpenMetrics 1.0 body line by line with charCodeAt, keeping only offsets into
 * the body for the entry it stopped on. next() builds no strings and no objects on the series path; the
 * getters slice or decode on demand, so a scrape whose series are all cached pays for one key slice per line.
 *
 * seriesKey() may be a view into the body (V8 slices lazily): a cache that keeps a key for long should store
 * a flattened copy so an old body is not retained by it.
 */
export class LineParser implements ExpositionParser {
  private readonly len: number;
  private pos = 0;
  private lineNo = 0;
  private lineStart = 0;
  private sawEof = false;
  private finished = false;
  private entry: EntryType = 'comment';

  // The 'series' entry: offsets into the body, value, timestamp, label offsets (4 per label).
  private keyStart = 0;
  private keyEnd = 0;
  private nameEnd = 0;
  private val = 0;
  private ts = 0;
  private hasTs = false;
  /** tsSeconds is an OpenMetrics timestamp as written, for the strict validator's ordering checks. */
  private tsSeconds = 0;
  private hasExemplar = false;
  private readonly labelOffsets = new LabelOffsets();
  /** hint is the key the caller expects on the next series line (see expectKey); hintNameLen its name's length. */
  private hint: string | undefined;
  private hintNameLen = 0;
  /** hintHit: the current line's key is the hint, so its label block was not scanned (labels() scans it). */
  private hintHit = false;
  /** exemplarScratch holds exemplar label offsets while they are checked; made on the first exemplar. */
  private exemplarScratch: LabelOffsets | undefined;

  /** meta is the 'type' / 'help' / 'unit' / 'comment' entry. */
  private readonly meta = new MetaLine();

  // The family the last TYPE line announced: to skip `_created` series and to normalise `le` / `quantile`.
  private familyName = '';
  private familyType = '';

  readonly format: ExpositionFormat;

  constructor(
    private readonly s: string,
    private readonly om: boolean,
    private readonly validator: OpenMetricsValidator | undefined,
  ) {
    this.len = s.length;
    this.format = om ? 'openmetrics' : 'text';
  }

  next(): EntryType | undefined {
    try {
      return this.step();
    } catch (err) {
      if (err instanceof ScanFailure) this.fail(err.at, err.reason);
      throw err;
    }
  }

  /** step reads lines until one makes an entry: blank lines, and `_created` series in OpenMetrics, make none. */
  private step(): EntryType | undefined {
    const s = this.s;
    for (;;) {
      let p = this.pos;
      if (p >= this.len) return this.finish();
      this.lineNo++;
      this.lineStart = p;
      if (this.om) {
        if (this.sawEof) failAt(p, 'unexpected data after "# EOF"');
        const c = s.charCodeAt(p);
        if (c === CH.hash) {
          const e = this.openMetricsMeta(p);
          if (e !== undefined) return (this.entry = e);
          continue;
        }
        if (c === CH.newline) failAt(p, 'unexpected blank line; OpenMetrics allows none');
        if (this.series(p)) return (this.entry = 'series');
        continue;
      }
      let c = s.charCodeAt(p);
      while (c === CH.space || c === CH.tab) c = s.charCodeAt(++p);
      if (p >= this.len || c === CH.newline) {
        this.pos = p + 1;
        continue;
      }
      if (c === CH.hash) return (this.entry = this.textComment(p));
      this.series(p);
      return (this.entry = 'series');
    }
  }

  seriesKey(): string {
    return this.s.slice(this.keyStart, this.keyEnd);
  }

  expectKey(key: string | undefined): void {
    if (key === this.hint) return;
    // Only a key with a label block is worth it, and only one that ends with it: a bare name could be the
    // start of a longer name, or of a name followed by blanks and a label block.
    if (
      key === undefined ||
      this.validator !== undefined ||
      key.charCodeAt(key.length - 1) !== CH.braceClose
    ) {
      this.hint = undefined;
      return;
    }
    this.hint = key;
    let n = 0;
    while (isMetricNameChar(key.charCodeAt(n))) n++;
    this.hintNameLen = n;
  }

  seriesKeyIs(key: string): boolean {
    if (this.hintHit && key === this.hint) return true;
    // A slice and === (V8 compares flat strings a word at a time) is three times faster than startsWith.
    return key.length === this.keyEnd - this.keyStart && this.s.slice(this.keyStart, this.keyEnd) === key;
  }

  value(): number {
    return this.val;
  }

  timestamp(): number | undefined {
    return this.hasTs ? this.ts : undefined;
  }

  labels(): Labels {
    const s = this.s;
    if (this.hintHit) {
      // The key matched the hint, so its label block was skipped: scan it now for its offsets.
      let p = this.nameEnd;
      while (s.charCodeAt(p) !== CH.braceOpen) p++;
      scanLabelBlock(s, p + 1, this.om, this.labelOffsets);
      this.hintHit = false;
    }
    const out: Record<string, string> = { __name__: s.slice(this.keyStart, this.nameEnd) };
    const normalized = this.normalizedLabel();
    const o = this.labelOffsets.offsets;
    for (let i = 0, j = 0; i < this.labelOffsets.count; i++, j += 4) {
      const name = s.slice(o[j]!, o[j + 1]!);
      const value = unescapeLabelValue(s, o[j + 2]!, o[j + 3]!);
      out[name] = name === normalized ? normalizeFloatLabel(value) : value;
    }
    return out;
  }

  lineText(): string {
    return this.s.slice(this.lineStart, Math.min(this.pos - 1, this.len));
  }

  metricName(): string {
    return this.s.slice(this.meta.nameStart, this.meta.nameEnd);
  }

  type(): MetricMetadata['type'] {
    return this.meta.type;
  }

  text(): string {
    const m = this.meta;
    if (this.entry === 'help') return unescapeHelp(this.s, m.textStart, m.textEnd, this.om);
    return this.s.slice(m.textStart, m.textEnd);
  }

  /**
   * normalizedLabel names the label whose float value Prometheus 3 rewrites canonically on ingestion
   * (`le="1"` → `le="1.0"`), so buckets and quantiles from differently formatting exporters line up.
   */
  private normalizedLabel(): string | undefined {
    const t = this.familyType;
    if (t === '' || t === 'counter' || t === 'gauge') return undefined;
    const f = this.familyName;
    const nameLen = this.nameEnd - this.keyStart;
    if (!this.s.startsWith(f, this.keyStart)) return undefined;
    if ((t === 'histogram' || t === 'gaugehistogram') && nameLen === f.length + 7) {
      return this.s.startsWith('_bucket', this.keyStart + f.length) ? 'le' : undefined;
    }
    return t === 'summary' && nameLen === f.length ? 'quantile' : undefined;
  }

  /** finish ends the walk: OpenMetrics requires `# EOF`; the strict validator closes the last family. */
  private finish(): undefined {
    if (this.finished) return undefined;
    if (this.om && !this.sawEof) {
      if (this.len === 0 || this.s.charCodeAt(this.len - 1) === CH.newline) {
        this.lineNo++;
        this.lineStart = this.len;
      }
      this.fail(this.len, 'expected "# EOF" at the end of an OpenMetrics exposition');
    }
    this.finished = true;
    return undefined;
  }

  /** textComment reads a text 0.0.4 `#` line: HELP, TYPE (which opens a family), or a comment. */
  private textComment(hash: number): EntryType {
    const m = this.meta;
    this.pos = readTextComment(this.s, hash, m) + 1;
    if (m.kind === 'type') {
      this.familyName = this.s.slice(m.nameStart, m.nameEnd);
      this.familyType = m.type;
    }
    return m.kind as EntryType;
  }

  /** openMetricsMeta reads an OpenMetrics `#` line; undefined for `# EOF`, which ends the body. */
  private openMetricsMeta(hash: number): EntryType | undefined {
    const s = this.s;
    const m = this.meta;
    this.pos = readOpenMetricsMeta(s, hash, m) + 1;
    if (m.kind === 'eof') {
      this.sawEof = true;
      this.check(hash, this.validator?.end());
      return undefined;
    }
    const kind = m.kind as 'help' | 'type' | 'unit';
    if (kind === 'type') {
      this.familyName = s.slice(m.nameStart, m.nameEnd);
      this.familyType = m.type;
    }
    if (this.validator !== undefined) {
      const name = s.slice(m.nameStart, m.nameEnd);
      this.check(m.nameStart, this.validator.metadata(kind, name, s.slice(m.textStart, m.textEnd)));
    }
    return kind;
  }

  /**
   * series reads a sample line from `start` and leaves its offsets, value and timestamp in the fields.
   * It returns false for an OpenMetrics `_created` series, which is skipped as Prometheus 3.x does by
   * default (created timestamps are not ingested as samples of their own series).
   */
  private series(start: number): boolean {
    const s = this.s;
    const om = this.om;
    let p = start;
    this.keyStart = p;
    let c = s.charCodeAt(p);
    const hint = this.hint;
    // A key the caller expects (the same text as a series of an earlier scrape in this format) was valid
    // then and is valid now: skip scanning its label block. Else read name and label block.
    this.hintHit = hint !== undefined && s.slice(p, p + hint.length) === hint;
    if (this.hintHit) {
      this.nameEnd = p + this.hintNameLen;
      p = this.keyEnd = p + hint!.length;
      c = s.charCodeAt(p);
    } else {
      if (!isMetricNameStart(c)) failAt(p, `invalid metric name, got ${describeToken(s, p)}`);
      while (isMetricNameChar((c = s.charCodeAt(++p))));
      this.nameEnd = p;
      if (!om) while (c === CH.space || c === CH.tab) c = s.charCodeAt(++p);
      if (c === CH.braceOpen) {
        p = scanLabelBlock(s, p + 1, om, this.labelOffsets);
        this.keyEnd = p;
        c = s.charCodeAt(p);
      } else {
        this.labelOffsets.count = 0;
        this.keyEnd = this.nameEnd;
      }
    }

    // The value, after one space (OpenMetrics) or any blanks (text 0.0.4).
    if (om) {
      if (c !== CH.space) failAt(p, `expected " " before the value, got ${describeToken(s, p)}`);
      c = s.charCodeAt(++p);
    } else {
      const blankStart = p;
      while (c === CH.space || c === CH.tab) c = s.charCodeAt(++p);
      if (p === blankStart && p === this.nameEnd && c === c && c !== CH.newline) {
        failAt(p, `invalid metric name, got ${describeToken(s, p)}`);
      }
    }
    const valueStart = p;
    while (c === c && c !== CH.space && c !== CH.newline && (om || c !== CH.tab)) c = s.charCodeAt(++p);
    if (p === valueStart) failAt(p, `expected value, got ${describeToken(s, p)}`);
    const v = parseNumber(s, valueStart, p);
    if (v === undefined)
      failAt(valueStart, `expected a number as value, got ${quoteRange(s, valueStart, p)}`);
    this.val = v;
    this.hasTs = false;
    this.hasExemplar = false;
    p = om ? this.openMetricsTail(p) : this.textTail(p);
    this.pos = p + 1;

    if (this.validator !== undefined) this.validate();
    return !(om && this.isCreatedSeries());
  }

  /** textTail reads an optional integer millisecond timestamp and the end of a text 0.0.4 line. */
  private textTail(p: number): number {
    const s = this.s;
    let c = s.charCodeAt(p);
    while (c === CH.space || c === CH.tab) c = s.charCodeAt(++p);
    if (c !== c || c === CH.newline) return p;
    const tsStart = p;
    while (c === c && c !== CH.space && c !== CH.tab && c !== CH.newline) c = s.charCodeAt(++p);
    const ts = parseTextTimestamp(s, tsStart, p);
    if (ts === undefined) {
      failAt(
        tsStart,
        `expected timestamp (integer milliseconds) or new record, got ${quoteRange(s, tsStart, p)}`,
      );
    }
    this.ts = ts;
    this.hasTs = true;
    while (c === CH.space || c === CH.tab) c = s.charCodeAt(++p);
    if (c === c && c !== CH.newline)
      failAt(p, `expected end of line after timestamp, got ${describeToken(s, p)}`);
    return p;
  }

  /** openMetricsTail reads `[SP timestamp] [SP # SP exemplar]` and the end of an OpenMetrics line. */
  private openMetricsTail(p: number): number {
    const s = this.s;
    let c = s.charCodeAt(p);
    if (c === CH.space) {
      c = s.charCodeAt(++p);
      if (c !== CH.hash) {
        const tsStart = p;
        while (c === c && c !== CH.space && c !== CH.newline) c = s.charCodeAt(++p);
        if (p === tsStart) failAt(p, `expected timestamp or exemplar after " ", got ${describeToken(s, p)}`);
        const seconds = parseNumber(s, tsStart, p);
        if (seconds === undefined || !Number.isFinite(seconds)) {
          failAt(tsStart, `expected a finite timestamp in seconds, got ${quoteRange(s, tsStart, p)}`);
        }
        // Seconds to milliseconds, rounded rather than truncated so that 1.001 s is 1001 ms.
        this.tsSeconds = seconds;
        this.ts = Math.round(seconds * 1000);
        this.hasTs = true;
        if (c === CH.space) {
          c = s.charCodeAt(++p);
          if (c !== CH.hash) failAt(p, `expected "#" to start an exemplar, got ${describeToken(s, p)}`);
        }
      }
      if (c === CH.hash) {
        p = scanExemplar(s, p, (this.exemplarScratch ??= new LabelOffsets(4)));
        this.hasExemplar = true;
        c = s.charCodeAt(p);
      }
    }
    if (c === c && c !== CH.newline) failAt(p, `expected end of line, got ${describeToken(s, p)}`);
    return p;
  }

  /** isCreatedSeries tells whether the series is `<family>_created` of a counter, histogram or summary. */
  private isCreatedSeries(): boolean {
    const f = this.familyName;
    return (
      CREATED_FAMILY_TYPES.has(this.familyType) &&
      this.nameEnd - this.keyStart === f.length + 8 &&
      this.s.startsWith(f, this.keyStart) &&
      this.s.startsWith('_created', this.keyStart + f.length)
    );
  }

  /** validate hands the sample to the strict OpenMetrics validator (cold: strict mode only). */
  private validate(): void {
    const s = this.s;
    const names: string[] = [];
    const values: string[] = [];
    const o = this.labelOffsets.offsets;
    for (let j = 0; j < this.labelOffsets.count * 4; j += 4) {
      names.push(s.slice(o[j]!, o[j + 1]!));
      values.push(unescapeLabelValue(s, o[j + 2]!, o[j + 3]!));
    }
    const name = s.slice(this.keyStart, this.nameEnd);
    const ts = this.hasTs ? this.tsSeconds : undefined;
    this.check(this.keyStart, this.validator!.sample(name, names, values, this.val, ts, this.hasExemplar));
  }

  /** check turns a validator's complaint into an ExpositionError at `at`. */
  private check(at: number, reason: string | undefined): void {
    if (reason !== undefined) failAt(at, reason);
  }

  /** fail throws the ExpositionError for offset p: 1-based line, and column counted in UTF-8 bytes. */
  private fail(p: number, reason: string): never {
    const column = Buffer.byteLength(this.s.slice(this.lineStart, Math.min(p, this.len)), 'utf8') + 1;
    this.finished = true;
    this.pos = this.len;
    throw new ExpositionError(this.lineNo, column, reason);
  }
}
