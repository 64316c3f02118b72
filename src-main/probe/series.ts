import { labelsKey, METRIC_NAME, type Labels } from '../common/labels';
import { STALE_NAN } from '../common/sample';
import { AppendError, type Appender, type MetricMetadata, type SeriesRef } from '../storage/api';
import type { ProbeResult } from './api';

/** PROBE_HELP describes the main series, as blackbox_exporter's HELP texts do. */
const PROBE_HELP: Record<string, string> = {
  probe_success: 'Displays whether or not the probe was a success',
  probe_duration_seconds: 'Returns how long the probe took to complete in seconds',
  probe_http_status_code: 'Response HTTP status code',
  probe_http_duration_seconds: 'Duration of http request by phase, summed over all redirects',
  probe_http_redirects: 'The number of redirects',
  probe_http_ssl: 'Indicates if SSL was used for the final redirect',
  probe_ssl_earliest_cert_expiry: 'Returns last SSL chain expiry in unixtime',
  probe_tls_version_info: 'Returns the TLS version used or NaN when unknown',
  probe_icmp_duration_seconds: 'Duration of icmp request by phase',
  probe_icmp_reply_hop_limit: 'Replied packet hop limit (TTL for ipv4)',
  probe_icmp_packet_loss_ratio: 'Share of echo requests without a reply (Vigie)',
  probe_dns_lookup_time_seconds: 'Returns the time taken for probe dns lookup in seconds',
  probe_dns_duration_seconds: 'Duration of DNS request by phase',
  probe_dns_answer_rrs: 'Returns number of entries in the answer resource record list',
  probe_failed_due_to_regex: 'Indicates if probe failed due to regex',
};

/**
 * SeriesWriter appends one check's results to storage. Every series of a result gets the check's labels
 * (job, instance, check, the check's own); a series the previous result had and this one lacks (a
 * certificate expiry once the target stopped answering) gets a staleness marker, as a scrape does for a
 * vanished series, and so does every series when the check is removed.
 */
export class SeriesWriter {
  /** prev holds the series of the last committed result by labels key, with their refs. */
  private prev = new Map<string, { labels: Labels; ref: SeriesRef }>();
  private lastT = 0;
  private metaSent = false;

  /** write appends a result at its start time and commits; a failed commit throws (series kept for markers). */
  async write(app: Appender, base: Labels, r: ProbeResult): Promise<void> {
    const t = this.next(r.time);
    const now = new Map<string, { labels: Labels; ref: SeriesRef }>();
    for (const m of r.metrics) {
      const labels: Labels = { ...base, ...m.labels, [METRIC_NAME]: m.name };
      const key = labelsKey(labels);
      const ref = this.append(app, this.prev.get(key)?.ref ?? 0, labels, t, m.value);
      now.set(key, { labels, ref });
    }
    for (const [key, s] of this.prev) if (!now.has(key)) this.append(app, s.ref, s.labels, t, STALE_NAN);
    if (!this.metaSent)
      for (const [name, help] of Object.entries(PROBE_HELP)) app.setMetadata(name, meta(help));
    try {
      await app.commit();
      this.metaSent = true;
      this.prev = now;
    } catch (e) {
      this.prev = new Map([...this.prev, ...[...now].map(([k, v]) => [k, { ...v, ref: 0 }] as const)]);
      throw e;
    }
  }

  /** writeStale ends every series of the check (it was removed or changed its labels). */
  async writeStale(app: Appender, time: number): Promise<void> {
    if (this.prev.size === 0) return;
    const t = this.next(time);
    for (const s of this.prev.values()) this.append(app, s.ref, s.labels, t, STALE_NAN);
    this.prev.clear();
    await app.commit();
  }

  /** next keeps timestamps strictly increasing, so a fast clock step back cannot make storage refuse them. */
  private next(t: number): number {
    this.lastT = Math.max(t, this.lastT + 1);
    return this.lastT;
  }

  private append(app: Appender, ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    try {
      return app.append(ref, labels, t, v);
    } catch (e) {
      if (e instanceof AppendError) return ref;
      throw e;
    }
  }
}

function meta(help: string): MetricMetadata {
  return { type: 'gauge', help, unit: '' };
}
