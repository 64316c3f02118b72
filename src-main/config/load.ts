import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { AlertingConfig, RouteConfig, RulesConfig, ScrapeConfig, VigieConfig } from './api';
import { JOB_DEFAULTS } from './scrape-defaults';
import { ConfigError, formatPath, Locator, type ConfigProblem, type KeyPath } from './errors';
import { configSchema, isUnsupported, type RawConfig, type RouteShape } from './schema';
import { formatDuration } from './units';
import { buildDiscovery } from './discovery';
import { buildProbes } from './probes';

export { ConfigError, type ConfigProblem } from './errors';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/**
 * DEFAULTS are Vigie's own defaults. Scrape and evaluation intervals are shorter than Prometheus's 1m
 * because a lab dashboard is watched live; the rest follows Prometheus where it has a setting.
 */
export const DEFAULTS = {
  scrapeInterval: 10 * SECOND,
  scrapeTimeout: 10 * SECOND,
  evaluationInterval: 10 * SECOND,
  fileSDRefreshInterval: 5 * MINUTE,
  /** retention: 30 days, long enough to compare this month with the last weeks. */
  retention: 30 * DAY,
  /** flushInterval bounds what a crash (kill -9, power loss) may lose: the issue asks for at most 2 s. */
  flushInterval: SECOND,
  listen: '127.0.0.1:9742',
  queryTimeout: 2 * MINUTE,
  maxSamples: 50_000_000,
  lookbackDelta: 5 * MINUTE,
  /** columnarMaxCells: 10 million step values (~90 MB at worst) for a range query's columnar form. */
  columnarMaxCells: 10_000_000,
  /** ruleSharedSamples: results shared between the rules of one evaluation time. */
  ruleSharedSamples: 2_000_000,
  maxSeries: 0,
  /** ruleWindowSamples: ~2 million recent samples (~32 MB) cover the default pack on a 50-host lab. */
  ruleWindowSamples: 2_000_000,
  /** blockCacheSize: 128 MiB of decoded samples hold a warm 20-panel dashboard over 24 h for 2 hosts. */
  blockCacheSize: 128 * 1024 * 1024,
  /**
   * duckdbMemoryLimit: DuckDB's buffer pool. It keeps the head's pages after each checkpoint until the limit
   * (~3 MB a minute at 50 hosts), so the limit, not the data, sets the core's steady memory; past it pages
   * are re-read from the OS cache and compaction's sort spills to <data>/vigie.duckdb.tmp.
   */
  duckdbMemoryLimit: 64 * 1024 * 1024,
  /** checkpointThreshold: a small WAL checkpoints often, so appended rows do not pile up in memory. */
  checkpointThreshold: 2 * 1024 * 1024,
  ruleWindowIdle: 10 * MINUTE,
  ruleWindowLate: 30 * SECOND,
} as const;

/** defaultConfig is the configuration used when no file is given: what makes the first run work. */
export function defaultConfig(): VigieConfig {
  return build({}, '.', () => undefined);
}

/**
 * parseConfig reads a config file's text (a prometheus.yml's common part is accepted unchanged). `file`
 * names the file in errors and anchors relative paths (rule_files, file_sd files, storage.path).
 * Throws ConfigError listing every problem as `file:line:col: key.path: message`.
 */
export function parseConfig(text: string, file: string): VigieConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locator = new Locator(doc, lines);
  const problems: ConfigProblem[] = [];
  const at = (path: KeyPath, message: string): void => {
    const { line, col } = locator.locate(path);
    problems.push({ file, line, col, path: formatPath(path), message });
  };

  for (const err of doc.errors) {
    const { line, col } = locator.position(err.pos[0]);
    problems.push({ file, line, col, path: '', message: firstLine(err.message) });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const raw: unknown = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  const parsed = configSchema.safeParse(raw, { error: issueMessage });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) reportIssue(issue, at);
    throw new ConfigError(sortProblems(problems));
  }
  const config = build(parsed.data, dirname(file), at);
  if (problems.length > 0) throw new ConfigError(sortProblems(problems));
  return config;
}

/** loadConfig reads and parses a config file; without a path it returns defaultConfig(). */
export async function loadConfig(path?: string): Promise<VigieConfig> {
  if (path === undefined) return defaultConfig();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new ConfigError([{ file: path, line: 0, col: 0, path: '', message: `cannot read: ${message}` }]);
  }
  return parseConfig(text, path);
}

export type Report = (path: KeyPath, message: string) => void;

/** reportIssue turns one zod issue into located problems; an unknown key is reported at the key itself. */
function reportIssue(issue: z.core.$ZodIssue, at: Report): void {
  if (issue.code === 'unrecognized_keys') {
    const section = issue.path.filter((s) => typeof s !== 'number').join('.');
    for (const key of issue.keys) {
      at(
        [...issue.path, key],
        isUnsupported(section, key) ? 'not supported by Vigie (yet)' : `unknown key "${key}"`,
      );
    }
    return;
  }
  if (issue.code === 'invalid_key') {
    for (const inner of issue.issues) at(issue.path, inner.message);
    return;
  }
  at(issue.path, issue.message);
}

/** issueMessage words zod's generic messages for a config author: what was expected, what was found. */
function issueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${article(issue.expected)}, got ${describe(issue.input)}`;
    case 'invalid_union':
      return `expected a string, number or boolean, got ${describe(issue.input)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'number')
        return `must be ≥ ${String(issue.minimum)}, got ${describe(issue.input)}`;
      return undefined;
    default:
      return undefined;
  }
}

function article(type: string): string {
  if (type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  if (type === 'int') return 'an integer';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(v: unknown): string {
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${v}"`;
  return String(v);
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

function sortProblems(ps: ConfigProblem[]): ConfigProblem[] {
  return ps.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** resolvePath anchors a relative path at the config file's folder, as Prometheus does. */
function resolvePath(dir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(dir, p);
}

/** positive treats 0 as unset: Prometheus cannot tell `0s` from an absent duration either. */
function positive(ms: number | undefined): number | undefined {
  return ms === undefined || ms === 0 ? undefined : ms;
}

/** build fills defaults and inheritance into a validated file and runs the checks that span fields. */
function build(raw: RawConfig, dir: string, at: Report): VigieConfig {
  const g = raw.global ?? {};
  const scrapeInterval = positive(g.scrape_interval) ?? DEFAULTS.scrapeInterval;
  let scrapeTimeout = positive(g.scrape_timeout);
  if (scrapeTimeout !== undefined && scrapeTimeout > scrapeInterval)
    at(
      ['global', 'scrape_timeout'],
      `global scrape_timeout (${formatDuration(scrapeTimeout)}) greater than scrape_interval (${formatDuration(scrapeInterval)})`,
    );
  scrapeTimeout ??= Math.min(DEFAULTS.scrapeTimeout, scrapeInterval);
  const global = {
    scrape_interval: scrapeInterval,
    scrape_timeout: scrapeTimeout,
    evaluation_interval: positive(g.evaluation_interval) ?? DEFAULTS.evaluationInterval,
    external_labels: g.external_labels ?? {},
  };

  const jobs = new Map<string, number>();
  const scrapeConfigs = (raw.scrape_configs ?? []).map((sc, i): ScrapeConfig => {
    const first = jobs.get(sc.job_name);
    if (first !== undefined)
      at(
        ['scrape_configs', i, 'job_name'],
        `found multiple scrape configs with job name "${sc.job_name}" (first at scrape_configs[${first}])`,
      );
    else jobs.set(sc.job_name, i);
    const interval = positive(sc.scrape_interval) ?? global.scrape_interval;
    let timeout = positive(sc.scrape_timeout);
    if (timeout !== undefined && timeout > interval)
      at(
        ['scrape_configs', i, 'scrape_timeout'],
        `scrape_timeout (${formatDuration(timeout)}) greater than scrape_interval (${formatDuration(interval)}) for job "${sc.job_name}"`,
      );
    timeout ??= Math.min(global.scrape_timeout, interval);
    const staticConfigs = (sc.static_configs ?? []).map((st, j) => {
      const targets = st.targets ?? [];
      targets.forEach((t, k) => {
        if (t === '' || t.includes('/'))
          at(['scrape_configs', i, 'static_configs', j, 'targets', k], `"${t}" is not a valid hostname`);
      });
      return { targets, labels: st.labels ?? {} };
    });
    return {
      job_name: sc.job_name,
      scrape_interval: interval,
      scrape_timeout: timeout,
      metrics_path: sc.metrics_path ?? JOB_DEFAULTS.metrics_path,
      scheme: sc.scheme ?? JOB_DEFAULTS.scheme,
      params: sc.params ?? {},
      honor_labels: sc.honor_labels ?? JOB_DEFAULTS.honor_labels,
      honor_timestamps: sc.honor_timestamps ?? JOB_DEFAULTS.honor_timestamps,
      sample_limit: sc.sample_limit ?? JOB_DEFAULTS.sample_limit,
      label_limit: sc.label_limit ?? JOB_DEFAULTS.label_limit,
      label_name_length_limit: sc.label_name_length_limit ?? JOB_DEFAULTS.label_name_length_limit,
      label_value_length_limit: sc.label_value_length_limit ?? JOB_DEFAULTS.label_value_length_limit,
      body_size_limit: sc.body_size_limit ?? JOB_DEFAULTS.body_size_limit,
      static_configs: staticConfigs,
      file_sd_configs: (sc.file_sd_configs ?? []).map((f) => ({
        files: f.files.map((p) => resolvePath(dir, p)),
        refresh_interval: positive(f.refresh_interval) ?? DEFAULTS.fileSDRefreshInterval,
      })),
    };
  });

  const q = raw.query ?? {};
  const lookback = q.lookback_delta;
  if (lookback === 0) at(['query', 'lookback_delta'], 'lookback_delta must be greater than 0');
  const storagePath = raw.storage?.path;
  return {
    global,
    scrape_configs: scrapeConfigs,
    rule_files: (raw.rule_files ?? []).map((p) => resolvePath(dir, p)),
    storage: {
      ...(storagePath !== undefined ? { path: resolvePath(dir, storagePath) } : {}),
      retention: raw.storage?.retention ?? DEFAULTS.retention,
      flush_interval: positive(raw.storage?.flush_interval) ?? DEFAULTS.flushInterval,
      block_cache_size: raw.storage?.block_cache_size ?? DEFAULTS.blockCacheSize,
      memory_limit: raw.storage?.memory_limit ?? DEFAULTS.duckdbMemoryLimit,
      checkpoint_threshold: raw.storage?.checkpoint_threshold ?? DEFAULTS.checkpointThreshold,
    },
    discovery: buildDiscovery(raw.discovery ?? {}, dir, at),
    web: { listen: raw.web?.listen ?? DEFAULTS.listen },
    query: {
      timeout: positive(q.timeout) ?? DEFAULTS.queryTimeout,
      max_samples: q.max_samples ?? DEFAULTS.maxSamples,
      lookback_delta: positive(lookback) ?? DEFAULTS.lookbackDelta,
      max_series: q.max_series ?? DEFAULTS.maxSeries,
      columnar_max_cells: q.columnar_max_cells ?? DEFAULTS.columnarMaxCells,
    },
    local_agent: {
      enabled: raw.local_agent?.enabled ?? true,
      disabled_collectors: raw.local_agent?.disabled_collectors ?? [],
      ...(raw.local_agent?.systemd_unit_include !== undefined
        ? { systemd_unit_include: raw.local_agent.systemd_unit_include }
        : {}),
      container_sockets: raw.local_agent?.container_sockets ?? [],
    },
    alerting: buildAlerting(raw.alerting ?? {}, at),
    rules: buildRules(raw.rules ?? {}),
    probes: buildProbes(raw.probes ?? {}, global, at),
  };
}

/** DEFAULT_RECEIVER receives every alert when no `alerting:` is configured: the desktop (or the log). */
export const DEFAULT_RECEIVER = 'vigie-desktop';

/**
 * buildAlerting fills Alertmanager's defaults in the route tree (group_wait 30s, group_interval 5m,
 * repeat_interval 4h at the root; children inherit) and checks that every receiver a route names exists.
 * Without a route, everything goes to a desktop receiver grouped by alert name, so the first run notifies.
 */
function buildAlerting(a: NonNullable<RawConfig['alerting']>, at: Report): AlertingConfig {
  const receivers = (a.receivers ?? []).map((r) => ({
    name: r.name,
    telegram_configs: (r.telegram_configs ?? []).map((t) => ({
      send_resolved: t.send_resolved ?? true,
      api_url: t.api_url,
      bot_token: t.bot_token,
      bot_token_file: t.bot_token_file,
      chat_id: t.chat_id,
      message_thread_id: t.message_thread_id,
      message: t.message,
      disable_notifications: t.disable_notifications ?? false,
      parse_mode: t.parse_mode ?? 'HTML',
      allowed_user_ids: t.allowed_user_ids ?? [],
    })),
    webhook_configs: (r.webhook_configs ?? []).map((w) => ({
      send_resolved: w.send_resolved ?? true,
      url: w.url,
      max_alerts: w.max_alerts ?? 0,
      timeout: w.timeout ?? 10 * SECOND,
    })),
    desktop_configs: (r.desktop_configs ?? []).map((d) => ({ send_resolved: d.send_resolved ?? true })),
  }));
  const names = new Set<string>();
  receivers.forEach((r, i) => {
    if (names.has(r.name)) at(['alerting', 'receivers', i, 'name'], `receiver "${r.name}" is defined twice`);
    names.add(r.name);
  });
  if (a.route == null) {
    if (!names.has(DEFAULT_RECEIVER)) names.add(DEFAULT_RECEIVER);
    if (!receivers.some((r) => r.name === DEFAULT_RECEIVER))
      receivers.push({
        name: DEFAULT_RECEIVER,
        telegram_configs: [],
        webhook_configs: [],
        desktop_configs: [{ send_resolved: true }],
      });
  }
  const rawRoute: RouteShape = a.route ?? { receiver: DEFAULT_RECEIVER, group_by: ['alertname', 'instance'] };
  if (rawRoute.receiver === undefined)
    at(['alerting', 'route'], 'root route must specify a default receiver');
  if ((rawRoute.matchers ?? []).length > 0 || rawRoute.match || rawRoute.match_re)
    at(['alerting', 'route'], 'root route must not have any matchers');
  const route = (r: RouteShape, path: (string | number)[]): RouteConfig => {
    if (r.receiver !== undefined && !names.has(r.receiver))
      at([...path, 'receiver'], `undefined receiver "${r.receiver}" used in route`);
    const matchers = [...(r.matchers ?? [])];
    for (const [k, v] of Object.entries(r.match ?? {})) matchers.push(`${k}=${JSON.stringify(v)}`);
    for (const [k, v] of Object.entries(r.match_re ?? {})) matchers.push(`${k}=~${JSON.stringify(v)}`);
    return {
      receiver: r.receiver,
      group_by: r.group_by,
      continue: r.continue ?? false,
      matchers,
      group_wait: r.group_wait,
      group_interval: r.group_interval,
      repeat_interval: r.repeat_interval,
      routes: (r.routes ?? []).map((c, i) => route(c, [...path, 'routes', i])),
    };
  };
  const root = route(rawRoute, ['alerting', 'route']);
  root.group_wait ??= 30 * SECOND;
  root.group_interval ??= 5 * MINUTE;
  root.repeat_interval ??= 4 * 60 * MINUTE;
  const fold = (m?: Record<string, string>, re?: Record<string, string>, list?: string[]): string[] => [
    ...(list ?? []),
    ...Object.entries(m ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
    ...Object.entries(re ?? {}).map(([k, v]) => `${k}=~${JSON.stringify(v)}`),
  ];
  return {
    resolve_timeout: a.resolve_timeout ?? 5 * MINUTE,
    route: root,
    receivers,
    inhibit_rules: (a.inhibit_rules ?? []).map((r) => ({
      source_matchers: fold(r.source_match, r.source_match_re, r.source_matchers),
      target_matchers: fold(r.target_match, r.target_match_re, r.target_matchers),
      equal: r.equal ?? [],
    })),
    outbox_max_attempts: a.outbox_max_attempts ?? 0,
  };
}

/** buildRules fills the `rules:` section: the default pack is on unless turned off. */
function buildRules(r: NonNullable<RawConfig['rules']>): RulesConfig {
  const { enabled, ...settings } = r.default_pack ?? {};
  const window_cache = r.window_cache;
  const clean: RulesConfig['default_pack']['settings'] = {};
  for (const [k, v] of Object.entries(settings)) if (v != null) clean[k] = v;
  return {
    default_pack: { enabled: enabled ?? true, settings: clean },
    window_cache: {
      max_samples: window_cache?.max_samples ?? DEFAULTS.ruleWindowSamples,
      idle: window_cache?.idle || DEFAULTS.ruleWindowIdle,
      late: window_cache?.late || DEFAULTS.ruleWindowLate,
    },
    shared_results: { max_samples: r.shared_results?.max_samples ?? DEFAULTS.ruleSharedSamples },
    threshold_rules: (r.threshold_rules ?? []).map((t) => ({
      ...t,
      for: t.for ?? 0,
      enabled: t.enabled ?? true,
    })),
  };
}
