import type { MetricFamily } from '../metrics';
import { escapeTextHelp, formatLabels, formatValue } from './format';

/** TEXT_CONTENT_TYPE is the Content-Type of the Prometheus text format 0.0.4. */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * writeText renders families (already sorted) in the Prometheus text format 0.0.4: a HELP and a TYPE line
 * per family, then one line per series. Families with no series are skipped, as client_golang does.
 */
export function writeText(families: readonly MetricFamily[]): string {
  const parts: string[] = [];
  for (const fam of families) {
    if (fam.samples.length === 0) continue;
    parts.push(`# HELP ${fam.name} ${escapeTextHelp(fam.help)}\n# TYPE ${fam.name} ${fam.type}\n`);
    for (const s of fam.samples)
      parts.push(fam.name + formatLabels(s.labels) + ' ' + formatValue(s.value) + '\n');
  }
  return parts.join('');
}
