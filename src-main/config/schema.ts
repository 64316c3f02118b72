import { z } from 'zod';
import { LABEL_NAME_RE } from '../common/labels';
import { parseDuration, parseSize } from './units';
import { isProbeUnsupported, probesSchema } from './probes-schema';
import { isValidRegex } from '../common/regex';

// The shape of a config file as written: every field optional, durations and sizes already converted to
// milliseconds and bytes. load.ts fills defaults and inheritance and runs the checks that span fields.

/** nullable treats an empty YAML section (`global:` with nothing under it) as an absent one, as Prometheus does. */
function nullable<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === null ? undefined : v), schema.optional());
}

/** scalarText is a YAML scalar read as text: Go's YAML decoder accepts `8080` where a string is expected. */
const scalarText = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** duration is a Prometheus duration (`30s`, `1d2h`) in milliseconds. */
export const duration = scalarText.transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(text)}`, input: text });
    return z.NEVER;
  }
  return ms;
});

/** size is a byte size with Prometheus's 1024-based units (`10MB`, `1GiB`) in bytes. */
export const size = scalarText.transform((text, ctx) => {
  const bytes = parseSize(text);
  if (bytes === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid size ${JSON.stringify(text)} (use a number with a unit: B, KB, MB, GB, TB, KiB, MiB...)`,
      input: text,
    });
    return z.NEVER;
  }
  return bytes;
});

const limit = z.number().int().nonnegative();

const labelName = z
  .string()
  .regex(LABEL_NAME_RE, { message: 'invalid label name (must match [a-zA-Z_][a-zA-Z0-9_]*)' });

/** labelSet is a map of label names to values, as in external_labels and static_configs[].labels. */
export const labelSet = z.record(labelName, scalarText);

const staticConfig = z.strictObject({
  targets: nullable(z.array(scalarText)),
  labels: nullable(labelSet),
});

/** FILE_SD_NAME_RE is the file name pattern Prometheus accepts for file_sd (one `*` in the last part). */
const FILE_SD_NAME_RE = /^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/;

const fileSDConfig = z.strictObject({
  files: z
    .array(
      z.string().regex(FILE_SD_NAME_RE, {
        message: 'path is not valid for file discovery (must end in .json, .yml or .yaml)',
      }),
    )
    .min(1, { message: 'file_sd_configs needs at least one file' }),
  refresh_interval: duration.optional(),
});

const scrapeConfig = z.strictObject({
  job_name: z.string().min(1, { message: 'job_name is empty' }),
  scrape_interval: duration.optional(),
  scrape_timeout: duration.optional(),
  metrics_path: z.string().startsWith('/', { message: 'metrics_path must start with "/"' }).optional(),
  scheme: z.enum(['http', 'https']).optional(),
  params: nullable(z.record(z.string(), z.array(scalarText))),
  honor_labels: z.boolean().optional(),
  honor_timestamps: z.boolean().optional(),
  sample_limit: limit.optional(),
  label_limit: limit.optional(),
  label_name_length_limit: limit.optional(),
  label_value_length_limit: limit.optional(),
  body_size_limit: size.optional(),
  static_configs: nullable(z.array(staticConfig)),
  file_sd_configs: nullable(z.array(fileSDConfig)),
});

const globalConfig = z.strictObject({
  scrape_interval: duration.optional(),
  scrape_timeout: duration.optional(),
  evaluation_interval: duration.optional(),
  external_labels: nullable(labelSet),
});

/** LISTEN_RE is `host:port`, the host possibly empty (all interfaces) or a bracketed IPv6 address. */
const LISTEN_RE = /^(\[[0-9a-fA-F:.%a-zA-Z]+\]|[^:\s[\]]*):(\d{1,5})$/;

const listen = z.string().refine(
  (s) => {
    const m = LISTEN_RE.exec(s);
    return m !== null && Number(m[2]) <= 65535;
  },
  { message: 'listen must be host:port, e.g. "127.0.0.1:9742"' },
);

/** MATCHER_RE is one Alertmanager matcher (`name="value"`, `name=~"re"`, quotes optional). */
const MATCHER_RE = /^\s*\{?\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^"{}]*?)\s*\}?\s*$/;

/** validRegex is a regular expression the agent's collectors will compile (checked here, at its line). */
const validRegex = z
  .string()
  .refine((s) => isValidRegex(`^(?:${s})$`), { message: 'not a valid regular expression' });

const matcherText = z.string().regex(MATCHER_RE, {
  message: 'invalid matcher (use name="value", name!="value", name=~"re" or name!~"re")',
});

/** RouteShape is a route of Alertmanager's routing tree, as written (durations already in ms). */
export interface RouteShape {
  receiver?: string;
  group_by?: string[];
  continue?: boolean;
  matchers?: string[];
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  group_wait?: number;
  group_interval?: number;
  repeat_interval?: number;
  mute_time_intervals?: string[];
  routes?: RouteShape[];
}

const route: z.ZodType<RouteShape> = z.lazy(() =>
  z.strictObject({
    receiver: z.string().optional(),
    group_by: nullable(z.array(z.string())),
    continue: z.boolean().optional(),
    matchers: nullable(z.array(matcherText)),
    match: nullable(z.record(z.string(), scalarText)),
    match_re: nullable(z.record(z.string(), scalarText)),
    group_wait: duration.optional(),
    group_interval: duration.optional(),
    repeat_interval: duration.optional(),
    routes: nullable(z.array(route)),
  }),
) as z.ZodType<RouteShape>;

const telegramConfig = z.strictObject({
  send_resolved: z.boolean().optional(),
  api_url: z.string().url().optional(),
  bot_token: z.string().min(1).optional(),
  bot_token_file: z.string().min(1).optional(),
  chat_id: z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).transform(Number),
  message_thread_id: z.number().int().optional(),
  message: z.string().optional(),
  disable_notifications: z.boolean().optional(),
  parse_mode: z.enum(['', 'HTML', 'Markdown', 'MarkdownV2']).optional(),
  /** allowed_user_ids may command the bot in this chat (besides the chat itself for private chats). */
  allowed_user_ids: nullable(z.array(z.number().int())),
});

const webhookConfig = z.strictObject({
  send_resolved: z.boolean().optional(),
  url: z.string().url(),
  max_alerts: z.number().int().nonnegative().optional(),
  timeout: duration.optional(),
});

const desktopConfig = z.strictObject({ send_resolved: z.boolean().optional() });

const receiver = z.strictObject({
  name: z.string().min(1, { message: 'receiver name is empty' }),
  telegram_configs: nullable(z.array(telegramConfig)),
  webhook_configs: nullable(z.array(webhookConfig)),
  desktop_configs: nullable(z.array(desktopConfig)),
});

const inhibitRule = z.strictObject({
  source_matchers: nullable(z.array(matcherText)),
  target_matchers: nullable(z.array(matcherText)),
  source_match: nullable(z.record(z.string(), scalarText)),
  source_match_re: nullable(z.record(z.string(), scalarText)),
  target_match: nullable(z.record(z.string(), scalarText)),
  target_match_re: nullable(z.record(z.string(), scalarText)),
  equal: nullable(z.array(z.string())),
});

/**
 * alertingConfig is the `alerting:` section: the route, receivers and inhibit_rules of an
 * alertmanager.yml pasted as they are, plus Vigie's desktop receiver. Prometheus's own `alertmanagers` and
 * `alert_relabel_configs` keys (sending to an external Alertmanager) are not supported.
 */
const alertingConfig = z.strictObject({
  resolve_timeout: duration.optional(),
  route: nullable(route),
  receivers: nullable(z.array(receiver)),
  inhibit_rules: nullable(z.array(inhibitRule)),
  /** outbox_max_attempts bounds retries of one notification (0: retry until delivered). */
  outbox_max_attempts: limit.optional(),
});

const packSetting = z.strictObject({
  enabled: z.boolean().optional(),
  warn: z.number().optional(),
  critical: z.number().optional(),
  for: duration.optional(),
});

const thresholdRule = z.strictObject({
  name: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { message: 'invalid alert name' }),
  expr: z.string().min(1),
  op: z.enum(['>', '>=', '<', '<=']),
  warn: z.number().optional(),
  critical: z.number().optional(),
  for: duration.optional(),
  summary: z.string().optional(),
  enabled: z.boolean().optional(),
});

/** rulesConfig is Vigie's `rules:` section: the default rule pack's settings and simple threshold rules. */
const rulesConfig = z.strictObject({
  default_pack: nullable(
    z.strictObject({
      enabled: z.boolean().optional(),
      host_down: nullable(packSetting),
      cpu_saturated: nullable(packSetting),
      memory_pressure: nullable(packSetting),
      swap_thrashing: nullable(packSetting),
      filesystem_almost_full: nullable(packSetting),
      filesystem_filling_up: nullable(packSetting),
      high_temperature: nullable(packSetting),
      clock_skew: nullable(packSetting),
      scrape_errors: nullable(packSetting),
      probe_failing: nullable(packSetting),
      certificate_expiring: nullable(packSetting),
      probe_slow: nullable(packSetting),
    }),
  ),
  threshold_rules: nullable(z.array(thresholdRule)),
  window_cache: nullable(
    z.strictObject({ max_samples: limit.optional(), idle: duration.optional(), late: duration.optional() }),
  ),
  shared_results: nullable(z.strictObject({ max_samples: limit.optional() })),
});

/** configSchema validates a whole config file. Unknown keys are errors (strict objects). */
export const configSchema = z.strictObject({
  global: nullable(globalConfig),
  scrape_configs: nullable(z.array(scrapeConfig)),
  rule_files: nullable(z.array(z.string())),
  storage: nullable(
    z.strictObject({
      path: z.string().min(1).optional(),
      retention: duration.optional(),
      flush_interval: duration.optional(),
      block_cache_size: size.optional(),
      /** memory_limit bounds DuckDB's buffer pool (bytes); past it DuckDB spills to disk. */
      memory_limit: size.optional(),
      /** checkpoint_threshold is the WAL size at which DuckDB checkpoints (bytes): rows appended since stay in memory. */
      checkpoint_threshold: size.optional(),
    }),
  ),
  discovery: nullable(
    z.strictObject({
      mdns: nullable(
        z.strictObject({
          enabled: z.boolean().optional(),
          interfaces: nullable(z.array(z.string())),
          query_interval: duration.optional(),
          expire_after: duration.optional(),
          browse_exporters: z.boolean().optional(),
        }),
      ),
      enrollment_token_file: z.string().min(1).optional(),
    }),
  ),
  web: nullable(z.strictObject({ listen: listen.optional() })),
  query: nullable(
    z.strictObject({
      timeout: duration.optional(),
      max_samples: limit.optional(),
      lookback_delta: duration.optional(),
      max_series: limit.optional(),
      columnar_max_cells: limit.optional(),
    }),
  ),
  local_agent: nullable(
    z.strictObject({
      enabled: z.boolean().optional(),
      disabled_collectors: nullable(z.array(z.string().min(1))),
      systemd_unit_include: validRegex.optional(),
      container_sockets: nullable(z.array(z.string().min(1))),
    }),
  ),
  alerting: nullable(alertingConfig),
  rules: nullable(rulesConfig),
  probes: nullable(probesSchema({ duration, size, staticConfig, nullable })),
});

/** RawConfig is a validated config file before defaults are filled in. */
export type RawConfig = z.output<typeof configSchema>;

/**
 * UNSUPPORTED lists, per section (path without list indices), the keys Prometheus accepts that Vigie does
 * not implement yet, so a prometheus.yml using them gets "not supported by Vigie (yet)" at the right line
 * instead of a confusing "unknown key". Any `*_sd_configs` of a scrape config besides static and file is
 * also reported this way (see isUnsupported).
 */
export const UNSUPPORTED: Readonly<Record<string, readonly string[]>> = {
  '': ['remote_write', 'remote_read', 'scrape_config_files', 'tracing', 'otlp', 'runtime'],
  global: [
    'query_log_file',
    'scrape_failure_log_file',
    'scrape_protocols',
    'body_size_limit',
    'sample_limit',
    'target_limit',
    'label_limit',
    'label_name_length_limit',
    'label_value_length_limit',
    'keep_dropped_targets',
    'metric_name_validation_scheme',
    'metric_name_escaping_scheme',
    'rule_query_offset',
    'always_scrape_classic_histograms',
    'convert_classic_histograms_to_nhcb',
    'scrape_native_histograms',
    'extra_scrape_metrics',
  ],
  scrape_configs: [
    'relabel_configs',
    'metric_relabel_configs',
    'basic_auth',
    'authorization',
    'oauth2',
    'bearer_token',
    'bearer_token_file',
    'tls_config',
    'proxy_url',
    'no_proxy',
    'proxy_from_environment',
    'proxy_connect_header',
    'follow_redirects',
    'enable_http2',
    'http_headers',
    'scrape_protocols',
    'scrape_failure_log_file',
    'track_timestamps_staleness',
    'enable_compression',
    'target_limit',
    'keep_dropped_targets',
    'native_histogram_bucket_limit',
    'native_histogram_min_bucket_factor',
    'scrape_classic_histograms',
    'always_scrape_classic_histograms',
    'convert_classic_histograms_to_nhcb',
    'scrape_native_histograms',
    'metric_name_validation_scheme',
    'metric_name_escaping_scheme',
    'fallback_scrape_protocol',
    'extra_scrape_metrics',
  ],
  storage: ['tsdb', 'exemplars'],
  alerting: ['alertmanagers', 'alert_relabel_configs', 'templates', 'time_intervals', 'mute_time_intervals'],
  'alerting.receivers': [
    'email_configs',
    'slack_configs',
    'pagerduty_configs',
    'opsgenie_configs',
    'pushover_configs',
    'victorops_configs',
    'wechat_configs',
    'sns_configs',
    'discord_configs',
    'webex_configs',
    'msteams_configs',
  ],
  'alerting.route': ['mute_time_intervals', 'active_time_intervals'],
};

/** isUnsupported tells whether an unknown key at a section is a Prometheus feature Vigie lacks. */
export function isUnsupported(section: string, key: string): boolean {
  if (section.startsWith('alerting.route')) section = 'alerting.route';
  if (section.startsWith('probes.')) return isProbeUnsupported(section, key);
  if (UNSUPPORTED[section]?.includes(key)) return true;
  return section === 'scrape_configs' && key.endsWith('_sd_configs');
}
