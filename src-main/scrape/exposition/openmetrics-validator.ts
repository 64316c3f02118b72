import { HistogramCheck } from './histogram-check';
import { parseNumber } from './number';

/** TYPE_SUFFIXES are the sample names a family of each type may use, after its family name. */
const TYPE_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  counter: ['_total', '_created'],
  summary: ['_sum', '_count', '_created', ''],
  histogram: ['_count', '_sum', '_bucket', '_created'],
  gaugehistogram: ['_gcount', '_gsum', '_bucket'],
  info: ['_info'],
};
/** NOT_NAN_SUFFIXES are the counter-like samples, which may not be NaN. */
const NOT_NAN_SUFFIXES: ReadonlySet<string> = new Set([
  '_total',
  '_sum',
  '_count',
  '_bucket',
  '_gcount',
  '_gsum',
]);
/** NOT_NEGATIVE_SUFFIXES are the counter-like samples that may not be negative (`_gsum` may). */
const NOT_NEGATIVE_SUFFIXES: ReadonlySet<string> = new Set([
  '_total',
  '_sum',
  '_count',
  '_bucket',
  '_gcount',
]);

/**
 * OpenMetricsValidator enforces the family-level rules of OpenMetrics 1.0 that a line grammar cannot see:
 * one TYPE/HELP/UNIT per family and before its samples, no clashing or interleaved families, contiguous and
 * time-ordered groups, counter-like values neither NaN nor negative, histogram buckets ordered and closed by
 * `+Inf` with consistent `_count`/`_sum`, state set and info values, `quantile`/`le` labels, and exemplars only
 * on buckets and counter totals. The rules follow the spec and its reference parser's test suite.
 *
 * It runs only in strict mode: Prometheus enforces none of this when scraping, and common exporters break
 * some of it (client_golang writes a negative `_sum` and negative quantiles for negative observations).
 * Each method returns the reason a line breaks a rule, or undefined; the parser adds line and column.
 */
export class OpenMetricsValidator {
  private readonly claimedNames = new Set<string>();
  private name: string | undefined;
  private type: string | undefined;
  private help = false;
  private unit: string | undefined;
  private hasSamples = false;
  private allowedNames: readonly string[] = [];
  private group: string | undefined;
  private groupHasTs = false;
  private groupTs = 0;
  private seenGroups = new Set<string>();
  private histogram = new HistogramCheck();

  /** metadata checks a HELP, TYPE or UNIT line of family `name`. */
  metadata(kind: 'help' | 'type' | 'unit', name: string, text: string): string | undefined {
    if (name === this.name && this.hasSamples) return `${kind.toUpperCase()} of "${name}" after its samples`;
    if (name !== this.name) {
      const r = this.closeFamily() ?? this.clash(name);
      if (r !== undefined) return r;
      this.openFamily(name, undefined);
    }
    if (kind === 'help') {
      if (this.help) return `more than one HELP for "${name}"`;
      this.help = true;
    } else if (kind === 'type') {
      if (this.type !== undefined) return `more than one TYPE for "${name}"`;
      this.type = text;
      this.allowedNames = (TYPE_SUFFIXES[text] ?? ['']).map((suffix) => name + suffix);
    } else if (kind === 'unit') {
      if (this.unit !== undefined) return `more than one UNIT for "${name}"`;
      this.unit = text;
    }
    return undefined;
  }

  /** sample checks one sample line; ts is in seconds as written, labels are decoded. */
  sample(
    name: string,
    labelNames: readonly string[],
    labelValues: readonly string[],
    value: number,
    ts: number | undefined,
    exemplar: boolean,
  ): string | undefined {
    if (this.name === undefined || !this.allowedNames.includes(name)) {
      const r = this.closeFamily() ?? this.clash(name);
      if (r !== undefined) return r;
      this.openFamily(name, 'unknown');
    }
    this.hasSamples = true;
    const family = this.name!;
    const type = this.type ?? 'unknown';
    const suffix = name.slice(family.length);
    const label = (n: string): string | undefined => {
      const i = labelNames.indexOf(n);
      return i < 0 ? undefined : labelValues[i];
    };

    let special: string | undefined;
    if (type === 'stateset') {
      special = family;
      if (label(family) === undefined) return `state set sample without a "${family}" label`;
    } else if ((type === 'histogram' || type === 'gaugehistogram') && suffix === '_bucket') {
      special = 'le';
      const le = label('le');
      if (le === undefined || !isCanonicalNumber(le) || Number.isNaN(parseNumber(le, 0, le.length))) {
        return `invalid or missing "le" label ${JSON.stringify(le ?? '')}`;
      }
    } else if (type === 'summary' && suffix === '') {
      special = 'quantile';
      const q = label('quantile');
      const f = q === undefined || !isCanonicalNumber(q) ? undefined : parseNumber(q, 0, q.length);
      if (f === undefined || !(f >= 0 && f <= 1))
        return `invalid or missing "quantile" label ${JSON.stringify(q ?? '')}`;
    }

    const r = this.checkGroup(groupKey(type === 'info' ? [] : labelNames, labelValues, special), ts, type);
    if (r !== undefined) return r;

    if (type === 'stateset' && value !== 0 && value !== 1)
      return `state set value ${value} is neither 0 nor 1`;
    if (type === 'info' && value !== 1) return `info value ${value} is not 1`;
    if (type === 'summary' && suffix === '' && value < 0) return `quantile value ${value} is negative`;
    if (NOT_NAN_SUFFIXES.has(suffix) && Number.isNaN(value)) return `counter-like sample "${name}" is NaN`;
    if (NOT_NEGATIVE_SUFFIXES.has(suffix) && value < 0) return `counter-like sample "${name}" is negative`;
    if (exemplar) {
      const histogramBucket = (type === 'histogram' || type === 'gaugehistogram') && suffix === '_bucket';
      if (!histogramBucket && !(type === 'counter' && suffix === '_total')) {
        return `exemplar on "${name}": only histogram buckets and counter totals may have exemplars`;
      }
    }
    if (type === 'histogram' || type === 'gaugehistogram') {
      const le = suffix === '_bucket' ? parseNumber(label('le')!, 0, label('le')!.length)! : 0;
      const g = groupKey(labelNames, labelValues, 'le');
      return this.histogram.add(family, suffix, g, ts, le, value);
    }
    return undefined;
  }

  /** end closes the last family at `# EOF`. */
  end(): string | undefined {
    return this.closeFamily();
  }

  /** checkGroup keeps a family's groups contiguous and their timestamps present-or-absent and ordered. */
  private checkGroup(g: string, ts: number | undefined, type: string): string | undefined {
    if (this.group !== undefined && g !== this.group && this.seenGroups.has(g)) {
      return `samples of one group of "${this.name}" are not together`;
    }
    if (this.group !== undefined && g === this.group) {
      if ((ts !== undefined) !== this.groupHasTs) return 'a group mixes samples with and without timestamps';
      if (ts !== undefined && this.groupTs > ts && type !== 'info')
        return 'timestamps go backwards within a group';
    }
    this.group = g;
    this.groupHasTs = ts !== undefined;
    this.groupTs = ts ?? 0;
    this.seenGroups.add(g);
    return undefined;
  }

  /** clash reports a family that reuses a name an earlier family claimed (caught again when it closes). */
  private clash(name: string): string | undefined {
    return this.claimedNames.has(name)
      ? `metric family "${name}" clashes with an earlier use of "${name}"`
      : undefined;
  }

  /** openFamily starts tracking family `name`; a family opened by a sample has type unknown. */
  private openFamily(name: string, type: string | undefined): void {
    this.name = name;
    this.type = type;
    this.help = false;
    this.unit = undefined;
    this.hasSamples = false;
    this.allowedNames = [name];
    this.group = undefined;
    this.seenGroups = new Set();
    this.histogram = new HistogramCheck();
  }

  /** closeFamily claims the family's sample names (a later family may not reuse them) and ends its checks. */
  private closeFamily(): string | undefined {
    const name = this.name;
    if (name === undefined) return undefined;
    const type = this.type ?? 'unknown';
    for (const suffix of new Set([...(TYPE_SUFFIXES[type] ?? []), ''])) {
      const full = name + suffix;
      if (this.claimedNames.has(full))
        return `metric family "${name}" clashes with an earlier use of "${full}"`;
      this.claimedNames.add(full);
    }
    if (this.unit && (type === 'info' || type === 'stateset'))
      return `a ${type} ("${name}") may not have a UNIT`;
    if (type === 'histogram' || type === 'gaugehistogram') return this.histogram.finish(name);
    return undefined;
  }
}

/** isCanonicalNumber rejects infinities spelled other than `+Inf` / `-Inf` (e.g. `+INF`, `Infinity`). */
function isCanonicalNumber(s: string): boolean {
  const f = parseNumber(s, 0, s.length);
  if (f === undefined) return false;
  return Number.isFinite(f) || Number.isNaN(f) || s === '+Inf' || s === '-Inf';
}

/** groupKey is a canonical text of the labels minus `without`: the identity of a sample's group. */
function groupKey(names: readonly string[], values: readonly string[], without: string | undefined): string {
  const pairs: [string, string][] = [];
  for (let i = 0; i < names.length; i++) if (names[i] !== without) pairs.push([names[i]!, values[i]!]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return JSON.stringify(pairs);
}
