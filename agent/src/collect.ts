import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Collector, CollectorRun } from './collectors/collector';
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
  /** onCollectorError hears about each collector that threw (the CLI logs it). */
  onCollectorError?: (run: CollectorRun) => void;
}

/**
 * MetricsSource owns the collectors of one agent (some keep state between scrapes, such as stuck mounts)
 * and renders a scrape in the format the scraper asked for.
 */
export class MetricsSource {
  private readonly collectors: readonly Collector[];

  constructor(private readonly opts: CollectOptions = {}) {
    this.collectors =
      opts.collectors ?? (process.platform === 'linux' ? linuxCollectors(opts) : portableCollectors());
  }

  /** gather runs every collector and the process metrics into one sorted list of families. */
  async gather(): Promise<MetricSet> {
    const out = new MetricSet();
    await Promise.all([
      runCollectors(this.collectors, out, this.opts.onCollectorError),
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
