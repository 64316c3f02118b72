import { createHash } from 'node:crypto';
import { formatDuration, type ProbeModuleConfig, type ProbesConfig } from '../config/api';
import type { ProbeCheck } from './api';
import type { ConfigCheck } from './manager';

/**
 * configCheckId names a config check: a readable slug of job and target plus a short hash of both, so it
 * is unique, stable across restarts (its series keep their `check` label) and a valid id.
 */
export function configCheckId(job: string, target: string): string {
  const slug = `${job}-${target.replace(/^[a-z]+:\/\//i, '')}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  const hash = createHash('sha1').update(`${job}\0${target}`).digest('hex').slice(0, 6);
  return `${slug === '' ? 'check' : slug}-${hash}`;
}

/** moduleOptions turns a blackbox module into a check's type and options. */
function moduleOptions(m: ProbeModuleConfig): Pick<ProbeCheck, 'type' | 'http' | 'tcp' | 'dns'> {
  switch (m.prober) {
    case 'http':
      return {
        type: 'http',
        http: {
          method: m.http.method,
          ...(m.http.valid_status_codes.length > 0 ? { validStatusCodes: m.http.valid_status_codes } : {}),
          ...(m.http.fail_if_body_not_matches_regexp.length > 0
            ? { bodyRegexes: m.http.fail_if_body_not_matches_regexp }
            : {}),
          followRedirects: !m.http.no_follow_redirects,
          tlsSkipVerify: m.http.tls_config.insecure_skip_verify,
        },
      };
    case 'tcp':
      return { type: 'tcp', tcp: { tls: m.tcp.tls, tlsSkipVerify: m.tcp.tls_config.insecure_skip_verify } };
    case 'icmp':
      return { type: 'icmp' };
    case 'dns': {
      // A check has one answer regex: several become one lookahead per regex, which one record must then
      // match together (blackbox lets each match a different record; stricter, never looser).
      const res = m.dns.validate_answer_rrs.fail_if_not_matches_regexp;
      return {
        type: 'dns',
        dns: {
          queryName: m.dns.query_name,
          recordType: m.dns.query_type,
          ...(res.length === 1 ? { expect: res[0] } : {}),
          ...(res.length > 1 ? { expect: res.map((r) => `(?=[\\s\\S]*(?:${r}))`).join('') } : {}),
        },
      };
    }
  }
}

/**
 * checksFromConfig expands the config file's probe jobs into checks: one per target, with the job's
 * interval, the module's timeout capped by the job's scrape_timeout, and the static_configs' labels.
 */
export function checksFromConfig(cfg: ProbesConfig): ConfigCheck[] {
  const out: ConfigCheck[] = [];
  for (const job of cfg.jobs) {
    const m = cfg.modules[job.module];
    if (m === undefined) continue; // refused by the config loader already
    const timeout = m.timeout > 0 ? Math.min(m.timeout, job.scrape_timeout) : job.scrape_timeout;
    for (const sc of job.static_configs)
      for (const target of sc.targets) {
        const labels = { ...sc.labels };
        for (const k of ['job', 'instance', 'check']) delete labels[k];
        out.push({
          job: job.job_name,
          check: {
            id: configCheckId(job.job_name, target),
            name: target,
            target,
            interval: formatDuration(job.scrape_interval),
            timeout: formatDuration(timeout),
            ...moduleOptions(m),
            ...(Object.keys(labels).length > 0 ? { labels } : {}),
            source: 'config',
          },
        });
      }
  }
  return out;
}
