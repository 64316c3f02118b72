import type { MetricFamily } from '../metrics';
import { escapeOpenMetricsHelp, formatLabels, formatValue } from './format';

/** OPENMETRICS_CONTENT_TYPE is the Content-Type of OpenMetrics 1.0 text. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/**
 * writeOpenMetrics renders families in OpenMetrics 1.0. A counter family is named without `_total` in its
 * HELP/TYPE lines while its samples carry `_total` (added when the name lacked it), as the specification
 * requires and client_golang does; the body ends with `# EOF`.
 */
export function writeOpenMetrics(families: readonly MetricFamily[]): string {
  const parts: string[] = [];
  for (const fam of families) {
    if (fam.samples.length === 0) continue;
    let familyName = fam.name;
    let sampleName = fam.name;
    if (fam.type === 'counter') {
      if (familyName.endsWith('_total')) familyName = familyName.slice(0, -'_total'.length);
      else sampleName = familyName + '_total';
    }
    parts.push(`# HELP ${familyName} ${escapeOpenMetricsHelp(fam.help)}\n# TYPE ${familyName} ${fam.type}\n`);
    for (const s of fam.samples)
      parts.push(sampleName + formatLabels(s.labels) + ' ' + formatValue(s.value) + '\n');
  }
  parts.push('# EOF\n');
  return parts.join('');
}
