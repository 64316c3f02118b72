// The probe stage's contract: checks the app runs itself — ICMP ping, HTTP(S),
// TCP (optionally TLS) and DNS — stored as series with blackbox_exporter's names.

/** ProbeType is the prober a check uses, as blackbox_exporter's `prober:` names it. */
export type ProbeType = 'icmp' | 'http' | 'tcp' | 'dns';

import type { DnsRecordType } from './errors';

/**
 * ProbeCheck is one check as the UI edits it and the config file's probe jobs produce it. Durations are
 * Prometheus duration strings ("30s"); `source` is set by the server (config checks are read-only).
 */
export interface ProbeCheck {
  id: string;
  name: string;
  type: ProbeType;
  /** target: a URL (http), host:port (tcp), a host (icmp), the name to query or, with dns.queryName, the server (dns). */
  target: string;
  interval?: string;
  timeout?: string;
  http?: {
    method?: string;
    validStatusCodes?: number[];
    /** bodyRegex must match the body; bodyRegexes (from a config module) must all match. */
    bodyRegex?: string;
    bodyRegexes?: string[];
    followRedirects?: boolean;
    tlsSkipVerify?: boolean;
  };
  tcp?: { tls?: boolean; tlsSkipVerify?: boolean };
  dns?: {
    /** server is host or host:port (port 53 by default); default the system's first resolver. */
    server?: string;
    recordType?: DnsRecordType;
    /** expect: at least one answer record (as `name. ttl IN TYPE data`) must match this regex. */
    expect?: string;
    /** queryName, when set, is the name asked (blackbox's query_name) and target names the server. */
    queryName?: string;
  };
  labels?: Record<string, string>;
  source?: 'config' | 'ui';
}

/** ProbeMetric is one series value a probe produced (name without job/instance/check labels). */
export interface ProbeMetric {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** ProbeResult is the outcome of one run of a check. */
export interface ProbeResult {
  /** time: when the probe started, ms since the epoch. */
  time: number;
  success: boolean;
  durationSeconds: number;
  error?: string;
  httpStatus?: number;
  /** certExpiry: the earliest notAfter of the peer's certificates, unix seconds. */
  certExpiry?: number;
  /** phases: seconds per phase (http: resolve/connect/tls/processing/transfer; icmp: rtt; dns: request). */
  phases?: Record<string, number>;
  metrics: ProbeMetric[];
}

/** ProbeStatus is a check with its last result, as GET /api/vigie/probes lists it. */
export interface ProbeStatus {
  check: ProbeCheck;
  /** job is the `job` label of the check's series. */
  job: string;
  last?: ProbeResult;
}

/** UI_JOB is the `job` label of checks made in the UI. */
export const UI_JOB = 'probes';

/**
 * ProbeManager runs every check on its own timer, under one concurrency limit, appending results to
 * storage. Config checks come from applyConfig; UI checks are kept in the document store.
 */
export interface ProbeManager {
  /** list gives every check (config first, then UI) with its last result. */
  list(): ProbeStatus[];
  /** put validates, saves and (re)starts a UI check; throws ProbeCheckError / ProbeConflictError. */
  put(check: unknown, id?: string): Promise<ProbeCheck>;
  /** delete removes a UI check (its series get staleness markers); false when there is none. */
  delete(id: string): Promise<boolean>;
  /** test validates and runs a check once now, storing nothing. */
  test(check: unknown): Promise<ProbeResult>;
  /** stop ends every check, marking their series stale. */
  stop(): Promise<void>;
}

export { parseProbeCheck } from './check';
export { DNS_RECORD_TYPES, ProbeCheckError, ProbeConflictError, type DnsRecordType } from './errors';
