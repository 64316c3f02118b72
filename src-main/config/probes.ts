import type { ProbeJobConfig, ProbeModuleConfig, ProbesConfig, GlobalConfig } from './api';
import type { Report } from './load';
import type { RawConfig } from './schema';
import { formatDuration } from './units';

/** PROBES_DEFAULTS: enough parallel probes for hundreds of checks; a status page's body fits in 1 MiB. */
export const PROBES_DEFAULTS = { maxConcurrency: 64, bodySizeLimit: 1024 * 1024 } as const;

type RawProbes = NonNullable<RawConfig['probes']>;
type RawModule = NonNullable<RawProbes['modules']>[string];

/** moduleConfig fills a module's defaults (as blackbox_exporter: 2xx valid, GET, redirects followed). */
function moduleConfig(m: RawModule): ProbeModuleConfig {
  return {
    prober: m.prober,
    timeout: m.timeout ?? 0,
    http: {
      valid_status_codes: m.http?.valid_status_codes ?? [],
      method: m.http?.method ?? 'GET',
      fail_if_body_not_matches_regexp: m.http?.fail_if_body_not_matches_regexp ?? [],
      no_follow_redirects: m.http?.no_follow_redirects ?? m.http?.follow_redirects === false,
      tls_config: { insecure_skip_verify: m.http?.tls_config?.insecure_skip_verify ?? false },
    },
    tcp: {
      tls: m.tcp?.tls ?? false,
      tls_config: { insecure_skip_verify: m.tcp?.tls_config?.insecure_skip_verify ?? false },
    },
    dns: {
      query_name: m.dns?.query_name ?? '',
      query_type: m.dns?.query_type ?? 'A',
      validate_answer_rrs: {
        fail_if_not_matches_regexp: m.dns?.validate_answer_rrs?.fail_if_not_matches_regexp ?? [],
      },
    },
  };
}

/** BUILTIN_MODULES are blackbox_exporter's example modules, usable without defining them. */
export const BUILTIN_MODULES: Readonly<Record<string, ProbeModuleConfig>> = {
  http_2xx: moduleConfig({ prober: 'http' }),
  tcp_connect: moduleConfig({ prober: 'tcp' }),
  tls_connect: moduleConfig({ prober: 'tcp', tcp: { tls: true } }),
  icmp: moduleConfig({ prober: 'icmp' }),
};

/** targetProblem says why a target does not suit a prober (blackbox's target forms), or undefined. */
export function targetProblem(prober: ProbeModuleConfig['prober'], target: string): string | undefined {
  switch (prober) {
    case 'http':
      return /^https?:\/\/[^/\s]+/.test(target) ? undefined : `"${target}" is not an http:// or https:// URL`;
    case 'tcp':
      return /^(\[[0-9a-fA-F:.]+\]|[^:/\s[\]]+):\d{1,5}$/.test(target)
        ? undefined
        : `"${target}" is not host:port`;
    case 'icmp':
      return /^[^:/\s]+$|^[0-9a-fA-F:.]+$/.test(target)
        ? undefined
        : `"${target}" is not a host or IP address`;
    case 'dns':
      return /^(\[[0-9a-fA-F:.]+\]|[^:/\s[\]]+)(:\d{1,5})?$/.test(target)
        ? undefined
        : `"${target}" is not a DNS server (host or host:port)`;
  }
}

/**
 * buildProbes fills the `probes:` section: modules (the built-in ones plus the file's), and probe jobs
 * with the global scrape timing. Every job must name a known module, have scrape_timeout within
 * scrape_interval, a unique name, and targets that suit its module's prober; a dns module needs query_name.
 */
export function buildProbes(p: RawProbes, global: GlobalConfig, at: Report): ProbesConfig {
  const modules: Record<string, ProbeModuleConfig> = { ...BUILTIN_MODULES };
  for (const [name, m] of Object.entries(p.modules ?? {})) {
    if (m.prober === 'dns' && m.dns === undefined)
      at(['probes', 'modules', name, 'prober'], 'a dns module needs dns.query_name');
    modules[name] = moduleConfig(m);
  }
  const seen = new Map<string, number>();
  const jobs = (p.jobs ?? []).map((j, i): ProbeJobConfig => {
    const path = ['probes', 'jobs', i];
    const first = seen.get(j.job_name);
    if (first !== undefined)
      at(
        [...path, 'job_name'],
        `found multiple probe jobs named "${j.job_name}" (first at probes.jobs[${first}])`,
      );
    else seen.set(j.job_name, i);
    const module = modules[j.module];
    if (module === undefined)
      at(
        [...path, 'module'],
        `unknown module "${j.module}" (known: ${Object.keys(modules).sort().join(', ')})`,
      );
    const interval = j.scrape_interval || global.scrape_interval;
    let timeout = j.scrape_timeout || undefined;
    if (timeout !== undefined && timeout > interval)
      at(
        [...path, 'scrape_timeout'],
        `scrape_timeout (${formatDuration(timeout)}) greater than scrape_interval (${formatDuration(interval)}) for probe job "${j.job_name}"`,
      );
    timeout ??= Math.min(global.scrape_timeout, interval);
    const static_configs = (j.static_configs ?? []).map((st, k) => {
      const targets = st.targets ?? [];
      targets.forEach((t, n) => {
        const why = module !== undefined ? targetProblem(module.prober, t) : undefined;
        if (why !== undefined) at([...path, 'static_configs', k, 'targets', n], why);
      });
      return { targets, labels: st.labels ?? {} };
    });
    return {
      job_name: j.job_name,
      module: j.module,
      scrape_interval: interval,
      scrape_timeout: timeout,
      static_configs,
    };
  });
  return {
    max_concurrency: p.max_concurrency ?? PROBES_DEFAULTS.maxConcurrency,
    body_size_limit: p.body_size_limit ?? PROBES_DEFAULTS.bodySizeLimit,
    modules,
    jobs,
  };
}
