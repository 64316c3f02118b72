import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Collector, CollectorRun } from './collectors/collector';
import { containersCollector, type ContainersOptions } from './collectors/containers/containers';
import { linuxCollectors, type LinuxCollectorOptions } from './collectors/linux/index';
import { portableCollectors } from './collectors/portable';
import { runCollectors } from './collectors/run';
import { acceptsGzip, negotiateFormat } from './exposition/negotiate';
import { OPENMETRICS_CONTENT_TYPE, writeOpenMetrics } from './exposition/openmetrics';
import { TEXT_CONTENT_TYPE, writeText } from './exposition/text';
import { MetricSet } from './metrics';
import { collectProcessMetrics } from './process-metrics';

const gzip = promisify(gzipCallback);

/** Exposition is one rendered scrape: its body and the Content-Type it was written in. */
export interface Exposition {
  body: string;
  contentType: string;
}

/** CollectOptions are the agent's collection settings. */
export interface CollectOptions extends LinuxCollectorOptions {
  /** collectors replaces the platform's default collectors (tests). */
  collectors?: readonly Collector[];
  /** onCollectorError hears about each collector that threw or timed out (the CLI logs it). */
  onCollectorError?: (run: CollectorRun) => void;
  containers?: ContainersOptions;
  /** disabledCollectors are collector names not run (--no-collector.NAME); an unknown name is an error. */
  disabledCollectors?: readonly string[];
  /** collectorTimeoutMs: a collector still running after this long reports success 0 (default 8000). */
  collectorTimeoutMs?: number;
}

/** platformCollectors are every collector this OS has, before --no-collector.NAME takes some away. */
export function platformCollectors(opts: CollectOptions = {}): Collector[] {
  const base = process.platform === 'linux' ? linuxCollectors(opts) : portableCollectors();
  return [...base, containersCollector(opts.containers)];
}

/**
 * MetricsSource owns the collectors of one agent (some keep state between scrapes, such as stuck mounts)
 * and renders a scrape in the format the scraper asked for.
 */
export class MetricsSource {
  private readonly collectors: readonly Collector[];

  constructor(private readonly opts: CollectOptions = {}) {
    const all = opts.collectors ?? platformCollectors(opts);
    const disabled = new Set(opts.disabledCollectors ?? []);
    for (const name of disabled) {
      if (!all.some((c) => c.name === name)) {
        const names = all.map((c) => c.name).join(', ');
        throw new Error(
          `--no-collector.${name}: no collector named ${JSON.stringify(name)} (there are ${names})`,
        );
      }
    }
    this.collectors = all.filter((c) => !disabled.has(c.name));
  }

  /** gather runs every collector and the process metrics into one sorted list of families. */
  async gather(): Promise<MetricSet> {
    const out = new MetricSet();
    await Promise.all([
      runCollectors(this.collectors, out, {
        timeoutMs: this.opts.collectorTimeoutMs,
        onError: this.opts.onCollectorError,
      }),
      collectProcessMetrics(out),
    ]);
    return out;
  }

  /** exposition renders a scrape for an Accept header (text 0.0.4 unless OpenMetrics is preferred). */
  async exposition(accept?: string): Promise<Exposition> {
    const families = (await this.gather()).sorted();
    return negotiateFormat(accept) === 'openmetrics'
      ? { body: writeOpenMetrics(families), contentType: OPENMETRICS_CONTENT_TYPE }
      : { body: writeText(families), contentType: TEXT_CONTENT_TYPE };
  }
}

/** encodeBody gzips a body when the Accept-Encoding header allows it. */
export async function encodeBody(
  body: string,
  acceptEncoding: string | undefined,
): Promise<{ data: Buffer; encoding?: 'gzip' }> {
  const raw = Buffer.from(body, 'utf8');
  return acceptsGzip(acceptEncoding) ? { data: await gzip(raw), encoding: 'gzip' } : { data: raw };
}
