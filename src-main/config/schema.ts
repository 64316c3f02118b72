import { z } from 'zod';
import { LABEL_NAME_RE } from '../common/labels';
import { parseDuration, parseSize } from './units';

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
    }),
  ),
  discovery: nullable(
    z.strictObject({
      mdns: nullable(
        z.strictObject({
          enabled: z.boolean().optional(),
          interfaces: nullable(z.array(z.string())),
        }),
      ),
    }),
  ),
  web: nullable(z.strictObject({ listen: listen.optional() })),
  query: nullable(
    z.strictObject({
      timeout: duration.optional(),
      max_samples: limit.optional(),
      lookback_delta: duration.optional(),
      max_series: limit.optional(),
    }),
  ),
  local_agent: nullable(z.strictObject({ enabled: z.boolean().optional() })),
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
  '': ['alerting', 'remote_write', 'remote_read', 'scrape_config_files', 'tracing', 'otlp', 'runtime'],
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
};

/** isUnsupported tells whether an unknown key at a section is a Prometheus feature Vigie lacks. */
export function isUnsupported(section: string, key: string): boolean {
  if (UNSUPPORTED[section]?.includes(key)) return true;
  return section === 'scrape_configs' && key.endsWith('_sd_configs');
}
