import { LineParser } from './exposition-parser';
import { OpenMetricsValidator } from './openmetrics-validator';
import type { ExpositionFormat, ExpositionParser } from './types';

export { ExpositionError } from './types';
export type { EntryType, ExpositionFormat, ExpositionParser } from './types';

/** ParserOptions tunes a parser beyond what the Content-Type decides. */
export interface ParserOptions {
  /**
   * strictOpenMetrics adds OpenMetrics 1.0's family-level rules (histogram structure, counter-like values,
   * grouping and ordering, metadata placement; see OpenMetricsValidator) to the line grammar. Off by default,
   * like Prometheus: widespread exporters break some of these rules and their scrapes must still work.
   * Ignored for text 0.0.4.
   */
  strictOpenMetrics?: boolean;
}

/**
 * formatFromContentType applies Prometheus's rule: `application/openmetrics-text` (any version and
 * parameters) is OpenMetrics; anything else, a missing header included, is text 0.0.4.
 */
export function formatFromContentType(contentType: string | undefined): ExpositionFormat {
  if (contentType === undefined) return 'text';
  const semi = contentType.indexOf(';');
  const mediaType = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return mediaType === 'application/openmetrics-text' ? 'openmetrics' : 'text';
}

/** createParser returns a parser over a whole scrape body in the format its Content-Type names. */
export function createParser(
  body: string,
  contentType: string | undefined,
  options: ParserOptions = {},
): ExpositionParser {
  const om = formatFromContentType(contentType) === 'openmetrics';
  return new LineParser(body, om, om && options.strictOpenMetrics ? new OpenMetricsValidator() : undefined);
}
