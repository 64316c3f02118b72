import { labelsKey, type Labels } from '../common/labels';
import type { ScrapeConfig } from '../config/api';
import type { TargetGroup } from '../discovery/api';
import type { DroppedTarget } from './api';

/** ScrapeTarget is one endpoint to scrape, with the labels its series get and a stable identity. */
export interface ScrapeTarget {
  job: string;
  /** discoveredLabels: group and target labels plus the job's defaults, before `__` labels are dropped. */
  discoveredLabels: Labels;
  /** labels: what every stored series of the target gets (no `__` labels). */
  labels: Labels;
  /** internalLabels: the full label set after defaults (address with port, `__scheme__`, …). */
  internalLabels: Labels;
  url: string;
  /** identity tells targets apart across syncs: equal identity means the same loop keeps running. */
  identity: string;
  /** hash is a stable 32-bit hash of identity, used to spread scrapes over the interval. */
  hash: number;
}

const ADDRESS = '__address__';
const SCHEME = '__scheme__';
const METRICS_PATH = '__metrics_path__';
const PARAM_PREFIX = '__param_';

/**
 * targetsFromGroup turns one discovered group into scrape targets for a job, Prometheus-style: target labels
 * win over group labels, the job's scheme/metrics_path/params fill what the target did not set, the address
 * gets the scheme's default port, `instance` defaults to the address. A target that cannot be scraped (no
 * or bad address) is returned in `dropped` with the reason.
 */
export function targetsFromGroup(
  group: TargetGroup,
  cfg: ScrapeConfig,
): { targets: ScrapeTarget[]; dropped: DroppedTarget[] } {
  const targets: ScrapeTarget[] = [];
  const dropped: DroppedTarget[] = [];
  for (const t of group.targets) {
    const r = buildTarget(t, group.labels, cfg);
    if (typeof r === 'string')
      dropped.push({ job: cfg.job_name, discoveredLabels: discovered(t, group.labels, cfg), reason: r });
    else targets.push(r);
  }
  return { targets, dropped };
}

/** discovered merges a target's labels over its group's and adds the job defaults it does not set. */
function discovered(target: Labels, groupLabels: Labels, cfg: ScrapeConfig): Labels {
  const out: Record<string, string> = {};
  for (const n in groupLabels) if (groupLabels[n] !== '') out[n] = groupLabels[n]!;
  for (const n in target) {
    if (target[n] !== '') out[n] = target[n]!;
    else delete out[n];
  }
  if (out.job === undefined) out.job = cfg.job_name;
  if (out[SCHEME] === undefined) out[SCHEME] = cfg.scheme;
  if (out[METRICS_PATH] === undefined) out[METRICS_PATH] = cfg.metrics_path;
  for (const k in cfg.params) {
    const v = cfg.params[k]!;
    if (v.length > 0 && out[PARAM_PREFIX + k] === undefined) out[PARAM_PREFIX + k] = v[0]!;
  }
  return out;
}

/** buildTarget returns the target, or the reason it cannot be scraped. */
export function buildTarget(target: Labels, groupLabels: Labels, cfg: ScrapeConfig): ScrapeTarget | string {
  const disc = discovered(target, groupLabels, cfg);
  if (!(cfg.scrape_interval > 0)) return 'scrape_interval must be greater than 0';
  if (!(cfg.scrape_timeout > 0)) return 'scrape_timeout must be greater than 0';
  if (cfg.scrape_timeout > cfg.scrape_interval)
    return `scrape_timeout (${cfg.scrape_timeout}ms) is greater than scrape_interval (${cfg.scrape_interval}ms)`;
  const address = disc[ADDRESS];
  if (address === undefined) return 'no address: the target has no __address__ label';
  const scheme = disc[SCHEME]!;
  if (scheme !== 'http' && scheme !== 'https') return `invalid scheme "${scheme}": must be http or https`;
  const addr = normalizeAddress(address, scheme);
  if (addr.error !== undefined) return `invalid address "${address}": ${addr.error}`;
  const path = disc[METRICS_PATH]!;
  if (!path.startsWith('/')) return `invalid metrics path "${path}": must start with "/"`;

  const internal: Record<string, string> = {};
  const labels: Record<string, string> = {};
  for (const n in disc) {
    if (n.startsWith('__meta_')) continue;
    internal[n] = disc[n]!;
    if (!n.startsWith('__')) labels[n] = disc[n]!;
  }
  internal[ADDRESS] = addr.value;
  if (labels.instance === undefined) labels.instance = internal.instance = addr.value;

  const url = scrapeUrl(scheme, addr.value, path, cfg.params, internal);
  const identity = labelsKey(internal) + url;
  return {
    job: cfg.job_name,
    discoveredLabels: disc,
    labels,
    internalLabels: internal,
    url,
    identity,
    hash: fnv1a32(identity),
  };
}

/** scrapeUrl builds the URL: config params, each `__param_<name>` label replacing its first value. */
function scrapeUrl(
  scheme: string,
  address: string,
  path: string,
  params: Record<string, string[]>,
  labels: Labels,
): string {
  const values = new Map<string, string[]>();
  for (const k in params) values.set(k, [...params[k]!]);
  for (const n in labels) {
    if (!n.startsWith(PARAM_PREFIX)) continue;
    const k = n.slice(PARAM_PREFIX.length);
    const v = values.get(k);
    if (v !== undefined && v.length > 0) v[0] = labels[n]!;
    else values.set(k, [labels[n]!]);
  }
  const q = new URLSearchParams();
  for (const k of [...values.keys()].sort()) for (const v of values.get(k)!) q.append(k, v);
  const qs = q.toString();
  return `${scheme}://${address}${path}${qs === '' ? '' : '?' + qs}`;
}

/**
 * normalizeAddress checks a `host:port` address and adds the scheme's default port when it has none, as
 * Prometheus does. IPv6 hosts must be bracketed; paths, users and queries are refused.
 */
export function normalizeAddress(
  address: string,
  scheme: string,
): { value: string; error?: undefined } | { error: string } {
  let host: string;
  let port: string | undefined;
  const v6 = /^\[([0-9a-fA-F:.%a-zA-Z]+)\](?::([^:]*))?$/.exec(address);
  if (v6 !== null) {
    host = `[${v6[1]}]`;
    port = v6[2];
  } else {
    const parts = address.split(':');
    if (parts.length > 2) return { error: 'an IPv6 host must be written in brackets, e.g. [::1]:9100' };
    host = parts[0]!;
    port = parts[1];
  }
  if (host === '' || host === '[]') return { error: 'empty host' };
  if (/[/?#@\s]/.test(host)) return { error: 'a target address is host:port, without scheme, path or user' };
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)
      return { error: `port "${port}" is not a number from 1 to 65535` };
  } else {
    port = scheme === 'https' ? '443' : '80';
  }
  const value = `${host}:${port}`;
  try {
    const u = new URL(`${scheme}://${value}/`);
    if (u.pathname !== '/' || u.username !== '' || u.search !== '')
      return { error: 'not a host:port address' };
  } catch {
    return { error: 'not a valid host name' };
  }
  return { value };
}

/** fnv1a32 is FNV-1a over the UTF-16 code units: fast, stable across runs and machines. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * scrapeOffset is how long to wait before a target's first scrape. The phase within the interval is pinned
 * to wall-clock time by the target's hash (as Prometheus does), so targets spread over the interval and a
 * restarted loop keeps its phase.
 */
export function scrapeOffset(hash: number, intervalMs: number, nowMs: number, seed = 0): number {
  const base = intervalMs - (nowMs % intervalMs);
  const offset = ((hash ^ seed) >>> 0) % intervalMs;
  let next = base + offset;
  if (next > intervalMs) next -= intervalMs;
  return next;
}
