import type { Labels } from '../../common/labels';
import type { MetricMetadata } from '../../storage/api';

/** EntryType is what the parser stopped on. */
export type EntryType = 'series' | 'type' | 'help' | 'unit' | 'comment';

/** ExpositionFormat is chosen from the response's Content-Type. */
export type ExpositionFormat = 'text' | 'openmetrics';

/**
 * ExpositionParser walks one scrape body entry by entry, Prometheus textparse-style, so the scrape loop
 * can key its series cache by the raw text of a series and pay for labels() only on a cache miss.
 * Every method but next() describes the entry next() last returned.
 */
export interface ExpositionParser {
  /** next advances; undefined at the end (after `# EOF` in OpenMetrics). Throws ExpositionError. */
  next(): EntryType | undefined;
  /** seriesKey is the series as written (metric name and label block, no value): a cache key. */
  seriesKey(): string;
  /**
   * seriesKeyIs tells whether seriesKey() would equal `key`, without making the string: the series cache
   * checks the series it expects at this position of the body first, and most scrapes repeat the last one.
   */
  seriesKeyIs(key: string): boolean;
  /**
   * expectKey tells the parser which key the next series line most likely has (the cache's guess from the
   * last scrape, undefined for none). A line with exactly that text skips its label-block scan: the key
   * was valid when it was first seen in this format. Only a hint; labels() still works on such a line.
   */
  expectKey(key: string | undefined): void;
  /** format of the body, which decides what a valid key is (see ScrapeCache's per-format order). */
  readonly format: ExpositionFormat;
  /** value of a 'series' entry; NaN and ±Inf allowed. */
  value(): number;
  /** timestamp of a 'series' entry in ms, undefined when the exposition gave none. */
  timestamp(): number | undefined;
  /** labels of a 'series' entry, `__name__` included. */
  labels(): Labels;
  /** lineText is the raw text of a 'type' / 'help' / 'unit' entry's line, to compare it with last time's. */
  lineText(): string;
  /** metricName of a 'type' / 'help' / 'unit' entry (the family name). */
  metricName(): string;
  /** type of a 'type' entry. */
  type(): MetricMetadata['type'];
  /** text of a 'help' entry (unescaped) or 'unit' entry. */
  text(): string;
}

/** ExpositionError names where a body is malformed: 1-based line and column, and what was expected. */
export class ExpositionError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = 'ExpositionError';
  }
}
