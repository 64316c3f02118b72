// probes.ts: the probe checks API (/api/vigie/probes, contract in the probes stage) and the helpers the
// Checks page and the service tiles share: the check and result types, client-side checks of a form before
// it is sent (the server validates again and names the field), and durations in Prometheus notation.
import { apiFetch } from './client';
import { optional } from './vigie';

/** ProbeType is how a check reaches its target. */
export type ProbeType = 'icmp' | 'http' | 'tcp' | 'dns';
export const PROBE_TYPES: ProbeType[] = ['http', 'icmp', 'tcp', 'dns'];

/** DNS_RECORD_TYPES are the record types a DNS check may ask for. */
export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SOA'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

/** ProbeCheck is one check as the API stores it. */
export interface ProbeCheck {
  id: string;
  name: string;
  type: ProbeType;
  target: string;
  interval?: string;
  timeout?: string;
  http?: {
    method?: string;
    validStatusCodes?: number[];
    bodyRegex?: string;
    followRedirects?: boolean;
    tlsSkipVerify?: boolean;
  };
  tcp?: { tls?: boolean };
  dns?: { server?: string; recordType?: DnsRecordType; expect?: string };
  labels?: Record<string, string>;
  /** source is set by the server: checks from the config file are read-only here. */
  source?: 'config' | 'ui';
}

/** ProbeResult is one run of a check. */
export interface ProbeResult {
  /** time is when it ran (ms). */
  time: number;
  success: boolean;
  durationSeconds: number;
  error?: string;
  httpStatus?: number;
  /** certExpiry is the earliest certificate expiry (unix seconds). */
  certExpiry?: number;
  /** phases are seconds per phase (resolve, connect, tls, processing, transfer, rtt). */
  phases?: Record<string, number>;
  metrics: { name: string; labels: Record<string, string>; value: number }[];
}

/** CheckEntry is a check with its latest result, as the list returns them. */
export interface CheckEntry {
  check: ProbeCheck;
  last?: ProbeResult;
}

/** listChecks lists every check, or undefined when the appliance has no probe stage. */
export function listChecks(): Promise<CheckEntry[] | undefined> {
  return optional(() => apiFetch<CheckEntry[]>('/api/vigie/probes'));
}

function jsonBody(method: string, body: unknown): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** saveCheck creates or replaces a check (its id is the URL). */
export function saveCheck(check: ProbeCheck): Promise<ProbeCheck> {
  return apiFetch(`/api/vigie/probes/${encodeURIComponent(check.id)}`, jsonBody('PUT', check));
}

/** deleteCheck removes a check made in the UI (the server refuses config-file checks). */
export function deleteCheck(id: string): Promise<null> {
  return apiFetch(`/api/vigie/probes/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** testCheck runs a check once now without storing anything, so a form can be tried before saving. */
export function testCheck(check: ProbeCheck): Promise<ProbeResult> {
  // A test waits up to the check's own timeout; give the request a little more than the longest one.
  return apiFetch('/api/vigie/probes/test', {
    ...jsonBody('POST', check),
    signal: AbortSignal.timeout(65_000),
  });
}

/** DURATION matches a Prometheus duration such as 30s, 1m30s or 500ms. */
const DURATION = /^(\d+(ms|s|m|h|d))+$/;

/** durationSeconds reads a Prometheus duration (30s, 1m30s, 500ms); NaN when it is not one. */
export function durationSeconds(d: string): number {
  if (!DURATION.test(d)) return NaN;
  const size: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
  let total = 0;
  for (const [, n, u] of d.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(n) * size[u!]!;
  return total;
}

/** slugify makes a check id from its name: lower case, [a-z0-9-]. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

/** TARGET_HINTS say what a target looks like for each type (the form's placeholder). */
export const TARGET_HINTS: Record<ProbeType, string> = {
  http: 'https://intranet.lab/health',
  icmp: '192.168.1.1',
  tcp: 'db.lab:5432',
  dns: 'printer.lab',
};

/**
 * checkProblems lists what is wrong with a check before it is sent, as field → message (empty when fine).
 * The server checks again; this only spares a round trip for the obvious mistakes.
 */
export function checkProblems(c: ProbeCheck): Record<string, string> {
  const out: Record<string, string> = {};
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(c.id)) out.id = 'use lower-case letters, digits and dashes';
  if (c.name.trim() === '') out.name = 'give the check a name';
  const t = c.target.trim();
  if (t === '') out.target = 'say what to check';
  else if (c.type === 'http' && !/^https?:\/\/[^/\s]+/.test(t)) out.target = 'an http:// or https:// URL';
  else if (c.type === 'tcp' && !/^(\[[0-9a-fA-F:.]+\]|[^\s:/]+):\d{1,5}$/.test(t)) out.target = 'host:port';
  else if ((c.type === 'icmp' || c.type === 'dns') && /[\s/]/.test(t)) out.target = 'a host name or address';
  const interval = durationSeconds(c.interval ?? '30s');
  const timeout = durationSeconds(c.timeout ?? '5s');
  if (Number.isNaN(interval) || interval < 1) out.interval = 'a duration of at least 1s, e.g. 30s';
  if (Number.isNaN(timeout) || timeout <= 0) out.timeout = 'a duration, e.g. 5s';
  else if (!Number.isNaN(interval) && timeout > interval) out.timeout = 'must not exceed the interval';
  if (c.type === 'http') {
    const codes = c.http?.validStatusCodes ?? [];
    if (codes.some((n) => !Number.isInteger(n) || n < 100 || n > 599))
      out.validStatusCodes = 'HTTP status codes between 100 and 599';
    if (c.http?.bodyRegex)
      try {
        new RegExp(c.http.bodyRegex);
      } catch (e) {
        out.bodyRegex = (e as Error).message;
      }
  }
  return out;
}

/**
 * forType keeps only the settings of the check's type (a form switched from HTTP to TCP must not send
 * its HTTP settings along) and drops empty optional fields.
 */
export function forType(c: ProbeCheck): ProbeCheck {
  const out: ProbeCheck = { id: c.id, name: c.name.trim(), type: c.type, target: c.target.trim() };
  if (c.interval) out.interval = c.interval;
  if (c.timeout) out.timeout = c.timeout;
  if (c.labels && Object.keys(c.labels).length > 0) out.labels = c.labels;
  if (c.type === 'http' && c.http) {
    const h = { ...c.http };
    if (!h.bodyRegex) delete h.bodyRegex;
    if (!h.method) delete h.method;
    if (h.validStatusCodes?.length === 0) delete h.validStatusCodes;
    out.http = h;
  }
  if (c.type === 'tcp' && c.tcp) out.tcp = { ...c.tcp };
  if (c.type === 'dns' && c.dns) {
    const d = { ...c.dns };
    if (!d.server) delete d.server;
    if (!d.expect) delete d.expect;
    out.dns = d;
  }
  return out;
}

/** newCheck is a blank check of a type, with the contract's defaults filled in for the form. */
export function newCheck(type: ProbeType = 'http'): ProbeCheck {
  return {
    id: '',
    name: '',
    type,
    target: '',
    interval: '30s',
    timeout: '5s',
    http: { method: 'GET', validStatusCodes: [], followRedirects: true, tlsSkipVerify: false },
    tcp: { tls: false },
    dns: { recordType: 'A' },
  };
}
