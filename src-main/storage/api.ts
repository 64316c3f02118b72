import type { Labels } from '../common/labels';
import type { Matcher } from '../common/matcher';
import type { DocumentStore } from '../state/api';

/** SeriesRef is storage's handle of a series; callers cache it to skip label hashing. 0 means "unknown". */
export type SeriesRef = number;

/** MetricMetadata is what an exposition says about a metric family (TYPE, HELP, UNIT). */
export interface MetricMetadata {
  type:
    | 'counter'
    | 'gauge'
    | 'histogram'
    | 'summary'
    | 'untyped'
    | 'unknown'
    | 'gaugehistogram'
    | 'info'
    | 'stateset';
  help: string;
  unit: string;
}

/** AppendError is a sample that storage refused (out of order, duplicate with another value, limits). */
export class AppendError extends Error {
  constructor(
    readonly kind: 'out_of_order' | 'duplicate' | 'too_old' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'AppendError';
  }
}

/**
 * Appender takes the samples of one scrape or one rule evaluation. Nothing is visible before commit();
 * commit makes the whole batch queryable at once (and durable within the storage's flush interval);
 * rollback drops it. This all-or-nothing batch is what lets a failed scrape write nothing.
 */
export interface Appender {
  /**
   * append adds one sample. `ref` is a SeriesRef returned by an earlier append of the same series, or 0;
   * `labels` must be given when ref is 0 and is ignored otherwise. Throws AppendError for a refused sample.
   * A staleness marker is appended as the value STALE_NAN.
   */
  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef;
  /** setMetadata records TYPE/HELP/UNIT of a metric family, kept as the latest seen. */
  setMetadata(metric: string, meta: MetricMetadata): void;
  commit(): Promise<void>;
  rollback(): void;
}

/** SeriesData is one selected series: parallel arrays sorted by time, stale markers as STALE_NAN values. */
export interface SeriesData {
  labels: Labels;
  t: Float64Array;
  v: Float64Array;
}

/** SelectHints lets the querier pick a cheaper plan (e.g. a rollup) when the engine will only aggregate. */
export interface SelectHints {
  /** step of a range query, in ms. */
  step?: number;
  /** range of a range selector, in ms. */
  range?: number;
  /** func is the function the selection feeds, e.g. "rate". */
  func?: string;
}

/**
 * Querier reads stored series. Every time bound is inclusive and in milliseconds since the epoch.
 * Results are complete and sorted by series (labelsKey) so callers can merge without re-sorting.
 */
export interface Querier {
  select(
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
    hints?: SelectHints,
  ): Promise<SeriesData[]>;
  /** series lists the label sets matching any of the matcher sets, with a sample in [mint, maxt]. */
  series(
    matcherSets: readonly (readonly Matcher[])[],
    mint: number,
    maxt: number,
    limit?: number,
  ): Promise<Labels[]>;
  /** labelNames lists label names of series matching any of the matcher sets (all series when none). */
  labelNames(
    matcherSets: readonly (readonly Matcher[])[],
    mint: number,
    maxt: number,
    limit?: number,
  ): Promise<string[]>;
  labelValues(
    name: string,
    matcherSets: readonly (readonly Matcher[])[],
    mint: number,
    maxt: number,
    limit?: number,
  ): Promise<string[]>;
  /** metadata lists known metric families, optionally for one metric. */
  metadata(metric?: string, limit?: number): Promise<Map<string, MetricMetadata>>;
  /**
   * release (optional) gives a select's answer back once the caller is done with it, so that later selects
   * reuse its memory. Only the querier that answered may be given it, and nothing may read it afterwards:
   * a wrapper that keeps answers (a cache) must not forward release.
   */
  release?(data: readonly SeriesData[]): void;
}

/** StorageStats is what the status API and benchmarks report. */
export interface StorageStats {
  series: number;
  samples: number;
  bytesOnDisk: number;
  headSeries: number;
  oldestSampleTime: number | null;
}

/** Storage is the one owner of stored series: appenders for writers, a querier for readers. */
export interface Storage {
  appender(): Appender;
  querier(): Querier;
  stats(): Promise<StorageStats>;
  /**
   * documents is the app's small documents (dashboards, notification outbox, silences) kept in the same
   * database as the series, so one data file holds everything. Optional: a store without it has none.
   */
  documents?(): DocumentStore;
  /** close flushes everything held in memory and releases the database file. */
  close(): Promise<void>;
}
