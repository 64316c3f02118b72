import { isIP } from 'node:net';
import { z } from 'zod';
import { parseDuration } from '../config/api';
import type { ProbeCheck } from './api';
import { DNS_RECORD_TYPES, ProbeCheckError } from './errors';
import { isValidRegex } from '../common/regex';

/** CHECK_ID_RE is the form of a check id: a slug, so it fits in a URL and a label value unchanged. */
export const CHECK_ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** DEFAULT_INTERVAL and DEFAULT_TIMEOUT apply to a check that leaves them out (probe-api.md). */
export const DEFAULT_INTERVAL = '30s';
export const DEFAULT_TIMEOUT = '5s';
/** MIN_INTERVAL_MS keeps one check from hammering a target (and the appliance's CPU). */
export const MIN_INTERVAL_MS = 1000;

const regex = z.string().refine(isValidRegex, { message: 'invalid regular expression' });
const durationText = z
  .string()
  .refine((s) => (parseDuration(s) ?? 0) > 0, { message: 'invalid duration (e.g. "30s", "1m")' });

const checkSchema = z.strictObject({
  id: z.string().regex(CHECK_ID_RE, { message: 'must be lower-case letters, digits and -, at most 64' }),
  name: z.string().trim().min(1, { message: 'is empty' }).max(200),
  type: z.enum(['icmp', 'http', 'tcp', 'dns']),
  target: z.string().trim().min(1, { message: 'is empty' }).max(2048),
  interval: durationText.optional(),
  timeout: durationText.optional(),
  http: z
    .strictObject({
      method: z
        .string()
        .regex(/^[A-Z]+$/, { message: 'must be an upper-case HTTP method' })
        .optional(),
      validStatusCodes: z.array(z.number().int().min(100).max(599)).optional(),
      bodyRegex: regex.optional(),
      bodyRegexes: z.array(regex).optional(),
      followRedirects: z.boolean().optional(),
      tlsSkipVerify: z.boolean().optional(),
    })
    .optional(),
  tcp: z.strictObject({ tls: z.boolean().optional(), tlsSkipVerify: z.boolean().optional() }).optional(),
  dns: z
    .strictObject({
      server: z.string().trim().min(1).optional(),
      recordType: z.enum(DNS_RECORD_TYPES).optional(),
      expect: regex.optional(),
      queryName: z.string().trim().min(1).optional(),
    })
    .optional(),
  labels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string()).optional(),
  source: z.enum(['config', 'ui']).optional(),
});

/** RESERVED_LABELS are set by the probe stage itself; a check's own labels may not override them. */
const RESERVED_LABELS = new Set(['job', 'instance', 'check', '__name__']);

/**
 * parseProbeCheck validates a check written by a user (JSON from the UI) and returns it, or throws a
 * ProbeCheckError naming the first wrong field. The target must suit the type: a http(s) URL, host:port,
 * a host, or a DNS name.
 */
export function parseProbeCheck(input: unknown): ProbeCheck {
  const r = checkSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    const message =
      issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
    throw new ProbeCheckError(field, message);
  }
  const c = r.data as ProbeCheck;
  for (const k of Object.keys(c.labels ?? {}))
    if (RESERVED_LABELS.has(k))
      throw new ProbeCheckError(`labels.${k}`, 'is set by Vigie and cannot be overridden');
  const interval = parseDuration(c.interval ?? DEFAULT_INTERVAL)!;
  const timeout = parseDuration(c.timeout ?? DEFAULT_TIMEOUT)!;
  if (interval < MIN_INTERVAL_MS) throw new ProbeCheckError('interval', 'must be at least 1s');
  if (timeout > interval)
    throw new ProbeCheckError('timeout', `(${c.timeout ?? DEFAULT_TIMEOUT}) is longer than the interval`);
  const err = targetError(c);
  if (err !== undefined) throw new ProbeCheckError('target', err);
  return c;
}

/** HOST_RE is a DNS host name or an IPv4 address (IPv6 is checked with isIP). */
const HOST_RE = /^(?=.{1,253}$)[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,62})(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,62}))*\.?$/;

/** validHost tells whether s is a host name or an IP address. */
export function validHost(s: string): boolean {
  return isIP(s.replace(/^\[|\]$/g, '')) !== 0 || HOST_RE.test(s);
}

/** splitHostPort splits "host:port" / "[v6]:port"; port undefined when absent. */
export function splitHostPort(s: string): { host: string; port?: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s);
  if (m === null) return { host: s };
  return { host: m[1]!, ...(m[2] !== undefined ? { port: Number(m[2]) } : {}) };
}

function validPort(p: number | undefined): boolean {
  return p !== undefined && p > 0 && p < 65536;
}

/** targetError says why a check's target does not suit its type, or undefined when it does. */
function targetError(c: ProbeCheck): string | undefined {
  switch (c.type) {
    case 'http': {
      let u: URL;
      try {
        u = new URL(c.target);
      } catch {
        return `"${c.target}" is not a URL (e.g. https://example.lan/health)`;
      }
      return u.protocol === 'http:' || u.protocol === 'https:'
        ? undefined
        : 'the URL must be http:// or https://';
    }
    case 'tcp': {
      const { host, port } = splitHostPort(c.target);
      return validHost(host) && validPort(port) ? undefined : `"${c.target}" is not host:port`;
    }
    case 'icmp':
      return validHost(c.target) ? undefined : `"${c.target}" is not a host name or IP address`;
    case 'dns': {
      const server = c.dns?.queryName !== undefined ? c.target : c.dns?.server;
      if (server !== undefined) {
        const { host, port } = splitHostPort(server);
        if (!validHost(host) || (port !== undefined && !validPort(port)))
          return `DNS server "${server}" is not host or host:port`;
      }
      const name = c.dns?.queryName ?? c.target;
      return HOST_RE.test(name) ? undefined : `"${name}" is not a DNS name`;
    }
  }
}
