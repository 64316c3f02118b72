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
  /** block_cache_size bounds the decoded samples kept between queries (bytes, 0 = off). */
  block_cache_size: number;
  /** memory_limit bounds DuckDB's buffer pool (bytes); past it DuckDB spills to disk. */
  memory_limit: number;
  /** checkpoint_threshold is the WAL size at which DuckDB checkpoints (bytes). */
  checkpoint_threshold: number;
}

export interface DiscoveryConfig {
  mdns: {
    enabled: boolean;
    interfaces: string[];
    /** query_interval: how often the app asks the LAN again for every known instance (ms). */
    query_interval: number;
    /** expire_after: an instance silent this long is marked down (ms); above query_interval. */
    expire_after: number;
    /** browse_exporters: also find plain exporters announced as `_prometheus-http._tcp`. */
    browse_exporters: boolean;
  };
  /** enrollment_token_file holds the token that lets agents started with it be adopted without a click. */
  enrollment_token_file?: string;
}

export interface WebConfig {
  listen: string;
}

export interface QueryConfig {
  timeout: number;
  max_samples: number;
  lookback_delta: number;
  max_series: number;
  /** columnar_max_cells bounds the step values a range query evaluated a series at a time holds (0 = off). */
  columnar_max_cells: number;
}

export interface LocalAgentConfig {
  enabled: boolean;
  /** disabled_collectors are collector names the built-in agent skips (the agent's --no-collector.NAME). */
  disabled_collectors: string[];
  /** systemd_unit_include: units reported one by one; unset, the agent's list of common services. */
  systemd_unit_include?: string;
  /** container_sockets: Docker/Podman API sockets to read; empty, the engines' usual paths. */
  container_sockets: string[];
}

/** RouteConfig is one node of Alertmanager's routing tree; unset timers and receiver inherit the parent's. */
export interface RouteConfig {
  receiver?: string;
  group_by?: string[];
  continue: boolean;
  /** matchers are Alertmanager matcher strings (`severity="critical"`); match/match_re are folded in. */
  matchers: string[];
  group_wait?: number;
  group_interval?: number;
  repeat_interval?: number;
  routes: RouteConfig[];
}

export interface TelegramReceiverConfig {
  send_resolved: boolean;
  /** api_url is the Bot API root (default https://api.telegram.org; tests point it at a stand-in). */
  api_url?: string;
  bot_token?: string;
  bot_token_file?: string;
  chat_id: number;
  message_thread_id?: number;
  message?: string;
  disable_notifications: boolean;
  parse_mode: '' | 'HTML' | 'Markdown' | 'MarkdownV2';
  allowed_user_ids: number[];
}

export interface WebhookReceiverConfig {
  send_resolved: boolean;
  url: string;
  max_alerts: number;
  timeout: number;
}

export interface DesktopReceiverConfig {
  send_resolved: boolean;
}

export interface ReceiverConfig {
  name: string;
  telegram_configs: TelegramReceiverConfig[];
  webhook_configs: WebhookReceiverConfig[];
  desktop_configs: DesktopReceiverConfig[];
}

/** InhibitRuleConfig mutes alerts matching target_matchers while one matching source_matchers fires. */
export interface InhibitRuleConfig {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

/** AlertingConfig is the `alerting:` section: an alertmanager.yml's route, receivers and inhibit_rules. */
export interface AlertingConfig {
  resolve_timeout: number;
  route: RouteConfig;
  receivers: ReceiverConfig[];
  inhibit_rules: InhibitRuleConfig[];
  outbox_max_attempts: number;
}

/** PackSettingConfig is one default-pack rule's settings (undefined: the pack's default). */
export interface PackSettingConfig {
  enabled?: boolean;
  warn?: number;
  critical?: number;
  for?: number;
}

export interface ThresholdRuleConfig {
  name: string;
  expr: string;
  op: '>' | '>=' | '<' | '<=';
  warn?: number;
  critical?: number;
  for: number;
  summary?: string;
  enabled: boolean;
}

/** RulesConfig is Vigie's `rules:` section: the default pack and the simple threshold rules. */
export interface RulesConfig {
  default_pack: { enabled: boolean; settings: Record<string, PackSettingConfig> };
  threshold_rules: ThresholdRuleConfig[];
  /**
   * window_cache bounds the recent samples rules keep in memory (max_samples, 0 = off), how long a metric
   * no rule reads stays (idle, ms) and how far back each refresh re-reads for late scrapes (late, ms).
   */
  window_cache: { max_samples: number; idle: number; late: number };
  /** shared_results bounds the subexpression results rules evaluated at one time share (0 = off). */
  shared_results: { max_samples: number };
}

/** ProbeModuleConfig is a blackbox_exporter module: how to probe (prober and its options). */
export interface ProbeModuleConfig {
  prober: 'http' | 'tcp' | 'icmp' | 'dns';
  /** timeout (ms), 0: the job's scrape_timeout. */
  timeout: number;
  http: {
    valid_status_codes: number[];
    method: string;
    fail_if_body_not_matches_regexp: string[];
    no_follow_redirects: boolean;
    tls_config: { insecure_skip_verify: boolean };
  };
  tcp: { tls: boolean; tls_config: { insecure_skip_verify: boolean } };
  dns: {
    query_name: string;
    query_type: 'A' | 'AAAA' | 'CNAME' | 'MX' | 'NS' | 'TXT' | 'SOA';
    validate_answer_rrs: { fail_if_not_matches_regexp: string[] };
  };
}

/** ProbeJobConfig probes every target of its static_configs with one module, like a blackbox scrape job. */
export interface ProbeJobConfig {
  job_name: string;
  module: string;
  scrape_interval: number;
  scrape_timeout: number;
  static_configs: StaticConfig[];
}

/** ProbesConfig is the `probes:` section: the checks the app runs itself (src-main/probe). */
export interface ProbesConfig {
  /** max_concurrency bounds the probes running at once. */
  max_concurrency: number;
  /** body_size_limit caps the HTTP body a probe reads (bytes, 0: none). */
  body_size_limit: number;
  modules: Record<string, ProbeModuleConfig>;
  jobs: ProbeJobConfig[];
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
  alerting: AlertingConfig;
  rules: RulesConfig;
  probes: ProbesConfig;
}

// Prometheus's duration and size syntax, shared with the stages that read durations from users (the HTTP
// API's `step` and `timeout`, rule files' `for:` and `interval:`) so there is one parser of it.
export { formatDuration, formatSize, parseDuration, parseSize } from './units';
export { JOB_DEFAULTS, scrapeConfig } from './scrape-defaults';
