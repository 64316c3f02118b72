import type { Labels } from '../common/labels';

// The parsed configuration. Keys mirror the YAML (snake_case, as prometheus.yml) so errors and docs use
// one vocabulary; durations are milliseconds and sizes bytes once parsed. 0 means "no limit" for limits.

export interface GlobalConfig {
  scrape_interval: number;
  scrape_timeout: number;
  evaluation_interval: number;
  external_labels: Labels;
}

export interface StaticConfig {
  targets: string[];
  labels: Labels;
}

export interface FileSDConfig {
  files: string[];
  refresh_interval: number;
}

export interface ScrapeConfig {
  job_name: string;
  scrape_interval: number;
  scrape_timeout: number;
  metrics_path: string;
  scheme: 'http' | 'https';
  params: Record<string, string[]>;
  honor_labels: boolean;
  honor_timestamps: boolean;
  sample_limit: number;
  label_limit: number;
  label_name_length_limit: number;
  label_value_length_limit: number;
  body_size_limit: number;
  static_configs: StaticConfig[];
  file_sd_configs: FileSDConfig[];
}

export interface StorageConfig {
  /** path of the data folder; undefined means the OS user-data folder. */
  path?: string;
  /** retention: samples older than this are deleted. */
  retention: number;
  /** flush_interval bounds what a crash may lose. */
  flush_interval: number;
}

export interface DiscoveryConfig {
  mdns: { enabled: boolean; interfaces: string[] };
}

export interface WebConfig {
  listen: string;
}

export interface QueryConfig {
  timeout: number;
  max_samples: number;
  lookback_delta: number;
  max_series: number;
}

export interface LocalAgentConfig {
  enabled: boolean;
}

/** VigieConfig is the whole configuration, defaults filled in. */
export interface VigieConfig {
  global: GlobalConfig;
  scrape_configs: ScrapeConfig[];
  rule_files: string[];
  storage: StorageConfig;
  discovery: DiscoveryConfig;
  web: WebConfig;
  query: QueryConfig;
  local_agent: LocalAgentConfig;
}

// Prometheus's duration and size syntax, shared with the stages that read durations from users (the HTTP
// API's `step` and `timeout`, rule files' `for:` and `interval:`) so there is one parser of it.
export { formatDuration, formatSize, parseDuration, parseSize } from './units';
