import type { GroupDef } from './rule-file';
import { thresholdGroup, type ThresholdRule } from './threshold';

/** PackSetting is one default rule's settable part: on/off, thresholds and duration. */
export interface PackSetting {
  enabled: boolean;
  warn?: number;
  critical?: number;
  forMs: number;
}

/** DefaultPackSettings are the settings of every rule of the default pack, by key. */
export type DefaultPackSettings = Record<DefaultRuleKey, PackSetting>;

export type DefaultRuleKey =
  | 'host_down'
  | 'cpu_saturated'
  | 'memory_pressure'
  | 'swap_thrashing'
  | 'filesystem_almost_full'
  | 'filesystem_filling_up'
  | 'high_temperature'
  | 'clock_skew'
  | 'scrape_errors'
  | 'probe_failing'
  | 'certificate_expiring'
  | 'probe_slow';

const MIN = 60_000;

/**
 * DEFAULT_PACK_SETTINGS are thresholds a lab can live with: loud enough to matter, quiet enough not to be
 * muted on day one (values in the unit of each rule's expression, see DEFAULT_RULES).
 */
export const DEFAULT_PACK_SETTINGS: DefaultPackSettings = {
  host_down: { enabled: true, critical: 1, forMs: 1 * MIN },
  cpu_saturated: { enabled: true, warn: 85, critical: 95, forMs: 10 * MIN },
  memory_pressure: { enabled: true, warn: 90, critical: 95, forMs: 5 * MIN },
  swap_thrashing: { enabled: true, warn: 100, critical: 1000, forMs: 5 * MIN },
  filesystem_almost_full: { enabled: true, warn: 85, critical: 95, forMs: 5 * MIN },
  filesystem_filling_up: { enabled: true, warn: 24, critical: 4, forMs: 30 * MIN },
  high_temperature: { enabled: true, warn: 80, critical: 90, forMs: 5 * MIN },
  clock_skew: { enabled: true, warn: 0.5, critical: 5, forMs: 10 * MIN },
  scrape_errors: { enabled: true, warn: 10, critical: 50, forMs: 15 * MIN },
  // Probes (src-main/probe): a check failing 2 min; a certificate within 14 / 3 days of its expiry; a check
  // taking over 2 s (warning) or 5 s (critical) on average for 10 min.
  probe_failing: { enabled: true, critical: 1, forMs: 2 * MIN },
  certificate_expiring: { enabled: true, warn: 14, critical: 3, forMs: 0 },
  probe_slow: { enabled: true, warn: 2, critical: 5, forMs: 10 * MIN },
};

const FS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.*",mountpoint!~"/(run|dev|sys|proc)($|/).*"';

/** DEFAULT_RULES describe each rule of the pack: what it measures (PromQL over node_exporter names). */
const DEFAULT_RULES: Record<
  DefaultRuleKey,
  Omit<ThresholdRule, 'warn' | 'critical' | 'forMs' | 'enabled'>
> = {
  host_down: {
    name: 'HostDown',
    // up is 1 or 0; `1 - up >= 1` fires on a failed scrape with the target's labels.
    expr: '1 - up',
    op: '>=',
    summary: '{{ $labels.instance }} is down',
    description: 'Vigie cannot scrape {{ $labels.instance }} (job {{ $labels.job }}).',
  },
  cpu_saturated: {
    name: 'HostCpuSaturated',
    expr: '100 * (1 - avg by (instance, job) (rate(node_cpu_seconds_total{mode="idle"}[5m])))',
    op: '>',
    summary: 'CPU of {{ $labels.instance }} at {{ $value | printf "%.0f" }}%',
  },
  memory_pressure: {
    name: 'HostMemoryPressure',
    expr: '100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)',
    op: '>',
    summary: 'Memory of {{ $labels.instance }} {{ $value | printf "%.0f" }}% used',
  },
  swap_thrashing: {
    name: 'HostSwapThrashing',
    expr: 'rate(node_vmstat_pswpin[5m]) + rate(node_vmstat_pswpout[5m])',
    op: '>',
    summary: '{{ $labels.instance }} swaps {{ $value | humanize }} pages/s',
  },
  filesystem_almost_full: {
    name: 'FilesystemAlmostFull',
    expr: `100 * (1 - node_filesystem_avail_bytes{${FS}} / node_filesystem_size_bytes{${FS}})`,
    op: '>',
    summary: '{{ $labels.mountpoint }} on {{ $labels.instance }} is {{ $value | printf "%.0f" }}% full',
  },
  filesystem_filling_up: {
    name: 'FilesystemFillingUp',
    // Hours left at the 6 h trend; only for a shrinking filesystem (the trend is negative).
    expr:
      `node_filesystem_avail_bytes{${FS}} / -deriv(node_filesystem_avail_bytes{${FS}}[6h]) / 3600` +
      ` and deriv(node_filesystem_avail_bytes{${FS}}[6h]) < 0` +
      ` and predict_linear(node_filesystem_avail_bytes{${FS}}[6h], 24 * 3600) < 0`,
    op: '<',
    summary: '{{ $labels.mountpoint }} on {{ $labels.instance }} fills up in {{ $value | printf "%.0f" }} h',
  },
  high_temperature: {
    name: 'HostHighTemperature',
    expr: 'node_hwmon_temp_celsius',
    op: '>',
    summary:
      '{{ $labels.chip }} {{ $labels.sensor }} on {{ $labels.instance }} at {{ $value | printf "%.0f" }}°C',
  },
  clock_skew: {
    name: 'HostClockSkew',
    expr: 'abs(node_time_seconds - timestamp(node_time_seconds))',
    op: '>',
    summary: 'Clock of {{ $labels.instance }} is off by {{ $value | humanizeDuration }}',
  },
  scrape_errors: {
    name: 'ScrapeErrors',
    expr: '100 * (1 - avg_over_time(up[15m])) and up == 1',
    op: '>',
    summary: '{{ $value | printf "%.0f" }}% of scrapes of {{ $labels.instance }} failed in 15 min',
  },
  probe_failing: {
    name: 'ProbeFailing',
    // probe_success is 1 or 0 (blackbox_exporter's series); `1 - probe_success >= 1` fires on a failure.
    expr: '1 - probe_success',
    op: '>=',
    summary: 'Check {{ $labels.instance }} (job {{ $labels.job }}) is failing',
  },
  certificate_expiring: {
    name: 'CertificateExpiring',
    // Days left on the earliest-expiring certificate the target presents.
    expr: '(probe_ssl_earliest_cert_expiry - time()) / 86400',
    op: '<',
    summary: 'The certificate of {{ $labels.instance }} expires in {{ $value | printf "%.1f" }} days',
  },
  probe_slow: {
    name: 'ProbeSlow',
    expr: 'avg_over_time(probe_duration_seconds[5m]) and probe_success == 1',
    op: '>',
    summary: 'Check {{ $labels.instance }} takes {{ $value | humanizeDuration }} on average',
  },
};

/** defaultPackRules lists the pack's threshold rules with the given settings (defaults where unset). */
export function defaultPackRules(
  settings: Partial<Record<DefaultRuleKey, Partial<PackSetting>>> = {},
): ThresholdRule[] {
  return (Object.keys(DEFAULT_RULES) as DefaultRuleKey[]).map((key) => {
    const s = { ...DEFAULT_PACK_SETTINGS[key], ...settings[key] };
    return { ...DEFAULT_RULES[key], warn: s.warn, critical: s.critical, forMs: s.forMs, enabled: s.enabled };
  });
}

/** DEFAULT_PACK_FILE names the pack's group "file" in the rules API. */
export const DEFAULT_PACK_FILE = 'vigie:default-rules';

/** defaultPackGroup is the default rule pack as one rule group. */
export function defaultPackGroup(settings?: Partial<Record<DefaultRuleKey, Partial<PackSetting>>>): GroupDef {
  return thresholdGroup('vigie-default', DEFAULT_PACK_FILE, defaultPackRules(settings));
}
