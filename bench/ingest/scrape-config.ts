// scrape-config.ts: the one scrape configuration both Prometheus and Vigie read, in prometheus.yml form.
import { stringify } from 'yaml';

/** formatDuration renders milliseconds as a Prometheus duration (`10s`, `1m30s`, `500ms`). */
export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  const s = ms / 1000;
  return s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

/** parseDuration reads `500ms`, `10s`, `2m`, `1h` (one unit), naming the flag in the error. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`--${flag}: expected a duration like 10s, 500ms or 2m, got "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

/**
 * scrapeConfigYaml is a prometheus.yml with one static job over the fleet. The timeout is the interval when
 * that is below Prometheus's 10 s default, which it must not exceed.
 */
export function scrapeConfigYaml(targets: string[], intervalMs: number): string {
  return stringify({
    global: {
      scrape_interval: formatDuration(intervalMs),
      scrape_timeout: formatDuration(Math.min(intervalMs, 10_000)),
    },
    scrape_configs: [{ job_name: 'node', static_configs: [{ targets }] }],
  });
}
