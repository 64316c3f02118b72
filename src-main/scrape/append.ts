import { METRIC_NAME, type Labels } from '../common/labels';
import { STALE_NAN } from '../common/sample';
import { AppendError, type Appender, type MetricMetadata } from '../storage/api';
import type { ExpositionParser } from './exposition/types';
import { NO_SLOT, ownString, type ScrapeCache } from './cache';
import { applyLine, type MetadataLine } from './metadata-lines';

/** NO_LABELS is passed with a known ref: storage ignores the labels then, so none are built. */
const NO_LABELS: Labels = Object.freeze({});

/** AppendOptions are the settings of a job that shape what one scrape appends. */
export interface AppendOptions {
  /** targetLabels: job, instance and group labels every series gets. */
  targetLabels: Labels;
  honorLabels: boolean;
  honorTimestamps: boolean;
  /** Limits, 0 = none. */
  sampleLimit: number;
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
  /** maxFutureMs refuses samples whose timestamp is further ahead than this (Prometheus: 10 min). */
  maxFutureMs: number;
}

/** AppendResult counts one scrape's samples for the synthetic series and the target's status. */
export interface AppendResult {
  /** scraped: series entries in the body (scrape_samples_scraped). */
  scraped: number;
  /** postRelabel: samples kept (Vigie has no metric relabeling, so scraped unless the scrape failed). */
  postRelabel: number;
  /** seriesAdded: series the cache had not seen (scrape_series_added). */
  seriesAdded: number;
  /** appended: samples storage accepted. */
  appended: number;
  outOfOrder: number;
  duplicate: number;
  outOfBounds: number;
  /** metadata: families whose TYPE/HELP/UNIT changed; stored in the cache once the commit succeeded. */
  metadata: Map<string, MetricMetadata>;
}

/** ScrapeLimitError is a scrape refused whole because it broke a limit; its message names the limit. */
export class ScrapeLimitError extends Error {
  constructor(
    message: string,
    /** counts: what was scraped when sample_limit was hit (the whole body is still counted). */
    readonly counts?: Pick<AppendResult, 'scraped' | 'postRelabel'>,
  ) {
    super(message);
    this.name = 'ScrapeLimitError';
  }
}

/**
 * appendScrape walks a parsed body and appends every sample to app, Prometheus-style: the series cache maps
 * the raw series text to a ref so known series cost one in-place key comparison (one map lookup where the
 * body's order changed), skip their label-block scan and build no label set; new series get their final
 * labels built once (target labels merged per honor_labels, then checked against the label limits);
 * TYPE/HELP/UNIT lines equal to the last scrape's are not read again; refused samples (out of order,
 * duplicate, too far in the future) are counted and skipped, and series of the previous scrape that are
 * missing get a staleness marker at defTime. Parse errors (ExpositionError) and limit errors
 * (ScrapeLimitError) throw: the caller rolls the whole scrape back.
 */
export function appendScrape(
  parser: ExpositionParser,
  app: Appender,
  cache: ScrapeCache,
  opts: AppendOptions,
  defTime: number,
): AppendResult {
  const res: AppendResult = {
    scraped: 0,
    postRelabel: 0,
    seriesAdded: 0,
    appended: 0,
    outOfOrder: 0,
    duplicate: 0,
    outOfBounds: 0,
    metadata: new Map(),
  };
  const seenMeta = new Map<string, MetricMetadata>();
  let metaDiverged = false;
  const maxTime = defTime + opts.maxFutureMs;
  let sampleLimitHit = false;
  cache.begin(parser.format);
  for (;;) {
    parser.expectKey(cache.expectedKey());
    const et = parser.next();
    if (et === undefined) break;
    if (et !== 'series') {
      if (et !== 'comment' && !cache.metaLines.same(parser.lineText())) {
        // The first line that differs from last time's: replay the matched ones, then read from here on.
        if (!metaDiverged) for (const l of cache.metaLines.diverge()) applyLine(l, seenMeta);
        metaDiverged = true;
        const line = readMetadataLine(parser, et);
        cache.metaLines.record(line);
        applyLine(line, seenMeta);
      }
      continue;
    }
    res.scraped++;
    const v = parser.value();
    let t = defTime;
    let explicitTs = false;
    if (opts.honorTimestamps) {
      const ts = parser.timestamp();
      if (ts !== undefined) {
        t = ts;
        explicitTs = true;
      }
    }
    let slot = cache.find(parser);
    let labels: Labels | undefined;
    if (slot === NO_SLOT) {
      labels = finalLabels(parser.labels(), opts);
      checkLabelLimits(labels, opts);
    }
    res.postRelabel++;
    if (opts.sampleLimit > 0 && res.postRelabel > opts.sampleLimit) {
      sampleLimitHit = true;
      continue;
    }
    if (slot !== NO_SLOT && !explicitTs && cache.seenThisScrape(slot)) {
      res.duplicate++;
      continue;
    }
    if (t > maxTime) {
      res.outOfBounds++;
      continue;
    }
    let ref: number;
    try {
      ref = slot !== NO_SLOT ? app.append(cache.ref(slot), NO_LABELS, t, v) : app.append(0, labels!, t, v);
    } catch (e) {
      if (!(e instanceof AppendError)) throw e;
      if (e.kind === 'out_of_order') res.outOfOrder++;
      else if (e.kind === 'duplicate') res.duplicate++;
      else res.outOfBounds++;
      continue;
    }
    res.appended++;
    if (slot === NO_SLOT) {
      if (ref === 0) continue;
      slot = cache.add(parser.seriesKey(), ref);
      res.seriesAdded++;
    }
    // A sample with its own timestamp is not tracked for staleness, as in Prometheus: the exporter owns time.
    if (!explicitTs) cache.track(slot);
  }
  if (sampleLimitHit)
    throw new ScrapeLimitError(
      `sample_limit exceeded: the scrape has ${res.postRelabel} samples, the limit is ${opts.sampleLimit}`,
      { scraped: res.scraped, postRelabel: res.postRelabel },
    );
  // Metadata lines word for word those of the last successful scrape: its families, unchanged.
  const unchanged = cache.metaLines.unchanged();
  if (unchanged !== undefined) for (const l of unchanged) cache.noteFamily(l.name);
  else {
    // Fewer lines than last time, all the same as far as they go: those were not read yet.
    if (!metaDiverged) for (const l of cache.metaLines.diverge()) applyLine(l, seenMeta);
    for (const [name, m] of seenMeta) {
      cache.noteFamily(name);
      const old = cache.metadata.get(name);
      if (old === undefined || old.type !== m.type || old.help !== m.help || old.unit !== m.unit) {
        const meta: MetricMetadata = { type: m.type, help: m.help, unit: m.unit };
        app.setMetadata(name, meta);
        res.metadata.set(name, meta);
      }
    }
  }
  writeStaleMarkers(app, cache, defTime);
  return res;
}

/** writeStaleMarkers appends STALE_NAN at t for every series of the previous scrape missing from this one. */
export function writeStaleMarkers(app: Appender, cache: ScrapeCache, t: number): number {
  let n = 0;
  for (const ref of cache.stale()) {
    try {
      // By ref alone: storage knows the series' labels. A ref it does not know is refused as invalid.
      app.append(ref, NO_LABELS, t, STALE_NAN);
      n++;
    } catch (err) {
      // Out of order or duplicate: the series already has a later sample (e.g. a new loop for the same
      // target scraped it meanwhile); the marker is not needed.
      if (!(err instanceof AppendError)) throw err;
    }
  }
  return n;
}

/** readMetadataLine reads a TYPE/HELP/UNIT entry, in own strings (slices would keep the body alive). */
function readMetadataLine(parser: ExpositionParser, kind: 'type' | 'help' | 'unit'): MetadataLine {
  return {
    raw: ownString(parser.lineText()),
    name: ownString(parser.metricName()),
    kind,
    value: kind === 'type' ? parser.type() : ownString(parser.text()),
  };
}

/**
 * finalLabels merges the target's labels into an exposed series' labels. With honor_labels the exposed
 * values win; without, the target's win and each clashing exposed label is kept as `exported_<name>`
 * (`exported_exported_<name>` if that is taken too), shortest names first as Prometheus does. Labels with
 * an empty value are absent, so they are dropped.
 */
export function finalLabels(
  exposed: Labels,
  opts: Pick<AppendOptions, 'honorLabels' | 'targetLabels'>,
): Labels {
  const out: Record<string, string> = {};
  for (const n in exposed) if (exposed[n] !== '') out[n] = exposed[n]!;
  const target = opts.targetLabels;
  if (opts.honorLabels) {
    for (const n in target) if (out[n] === undefined) out[n] = target[n]!;
    return out;
  }
  let conflicts: [string, string][] | undefined;
  for (const n in target) {
    const old = out[n];
    if (old !== undefined) (conflicts ??= []).push([n, old]);
    out[n] = target[n]!;
  }
  if (conflicts !== undefined) {
    conflicts.sort((a, b) => a[0].length - b[0].length);
    for (const [n, v] of conflicts) {
      let name = n;
      do name = 'exported_' + name;
      while (out[name] !== undefined);
      out[name] = v;
    }
  }
  return out;
}

/** checkLabelLimits throws ScrapeLimitError when a series breaks label_limit or a label length limit. */
export function checkLabelLimits(labels: Labels, opts: AppendOptions): void {
  const metric = labels[METRIC_NAME];
  if (metric === undefined) throw new ScrapeLimitError('a series has no metric name');
  if (opts.labelLimit > 0) {
    const n = Object.keys(labels).length;
    if (n > opts.labelLimit)
      throw new ScrapeLimitError(
        `label_limit exceeded: metric ${short(metric)} has ${n} labels, the limit is ${opts.labelLimit}`,
      );
  }
  if (opts.labelNameLengthLimit === 0 && opts.labelValueLengthLimit === 0) return;
  for (const name in labels) {
    if (opts.labelNameLengthLimit > 0 && name.length > opts.labelNameLengthLimit)
      throw new ScrapeLimitError(
        `label_name_length_limit exceeded: metric ${short(metric)}, label name ${short(name)} has ` +
          `${name.length} characters, the limit is ${opts.labelNameLengthLimit}`,
      );
    const value = labels[name]!;
    if (opts.labelValueLengthLimit > 0 && value.length > opts.labelValueLengthLimit)
      throw new ScrapeLimitError(
        `label_value_length_limit exceeded: metric ${short(metric)}, label ${short(name)} has a value of ` +
          `${value.length} characters, the limit is ${opts.labelValueLengthLimit}`,
      );
  }
}

/** short truncates a name for an error message, as Prometheus prints at most 50 characters. */
function short(s: string): string {
  return s.length > 50 ? s.slice(0, 50) + '…' : s;
}
