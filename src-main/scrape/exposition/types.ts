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
  /** value of a 'series' entry; NaN and ±Inf allowed. */
  value(): number;
  /** timestamp of a 'series' entry in ms, undefined when the exposition gave none. */
  timestamp(): number | undefined;
  /** labels of a 'series' entry, `__name__` included. */
  labels(): Labels;
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
