import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ProbeMetric } from './api';

/** ProbeContext is what one run of a prober gets: the deadline's signal, limits, and where results go. */
export interface ProbeContext {
  /** signal aborts when the check's timeout is reached (its reason is a ProbeTimeoutError). */
  signal: AbortSignal;
  /** bodySizeLimit caps how much of an HTTP body is read (bytes). */
  bodySizeLimit: number;
  out: ProbeOutput;
}

/** ProbeTimeoutError is the reason a probe's signal carries when its timeout ran out. */
export class ProbeTimeoutError extends Error {
  constructor(ms: number) {
    super(`timeout after ${ms / 1000}s`);
    this.name = 'ProbeTimeoutError';
  }
}

/**
 * ProbeOutput collects what a prober learns as it goes, so that a probe cut short by its timeout still
 * reports the phases it finished (e.g. resolve and connect done, no answer).
 */
export class ProbeOutput {
  readonly metrics = new Map<string, ProbeMetric>();
  phases: Record<string, number> | undefined;
  httpStatus: number | undefined;
  certExpiry: number | undefined;
  /** failure is why the probe failed although it ran to its end (bad status, regex, TLS verify). */
  failure: string | undefined;

  /** set records a metric value, replacing one of the same name and labels. */
  set(name: string, value: number, labels: Record<string, string> = {}): void {
    const key = name + JSON.stringify(labels);
    this.metrics.set(key, { name, labels, value });
  }

  /** fail records the first reason the probe failed. */
  fail(reason: string): void {
    this.failure ??= reason;
  }
}

/** seconds since a performance.now() mark. */
export function since(mark: number): number {
  return (performance.now() - mark) / 1000;
}

/** Resolved is a target host's address and how long finding it took. */
export interface Resolved {
  address: string;
  family: 4 | 6;
  seconds: number;
}

/**
 * resolveHost looks a host name up with the system resolver (as ping and browsers do), or takes an IP
 * literal as it is, recording probe_dns_lookup_time_seconds and probe_ip_protocol like blackbox_exporter.
 */
export async function resolveHost(host: string, ctx: ProbeContext): Promise<Resolved> {
  const bare = host.replace(/^\[|\]$/g, '');
  const start = performance.now();
  let r: Resolved;
  const literal = isIP(bare);
  if (literal !== 0) r = { address: bare, family: literal as 4 | 6, seconds: 0 };
  else {
    const a = await abortable(lookup(bare), ctx.signal);
    r = { address: a.address, family: a.family === 6 ? 6 : 4, seconds: since(start) };
  }
  ctx.out.set('probe_dns_lookup_time_seconds', r.seconds);
  ctx.out.set('probe_ip_protocol', r.family);
  return r;
}

/** abortable rejects with the signal's reason as soon as it aborts, whatever p does. */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

/**
 * recordTls records a TLS connection's certificate expiry and version with blackbox_exporter's names, and
 * returns the verification error (chain, expiry or host name) or undefined when the peer is trusted.
 * Verification is done here rather than by refusing the handshake so that an expired or self-signed
 * certificate still reports its expiry: that is the series the "certificate expiring" alert reads.
 */
export function recordTls(socket: TLSSocket, ctx: ProbeContext): string | undefined {
  const expiry = earliestExpiry(socket);
  if (expiry !== undefined) {
    ctx.out.set('probe_ssl_earliest_cert_expiry', expiry);
    ctx.out.certExpiry = expiry;
  }
  const proto = socket.getProtocol();
  if (proto !== null) ctx.out.set('probe_tls_version_info', 1, { version: tlsVersionLabel(proto) });
  if (socket.authorized) return undefined;
  const why = socket.authorizationError;
  const code = why instanceof Error ? why.message : String(why);
  const text = VERIFY_ERRORS[code];
  return `certificate verify failed: ${text !== undefined ? `${text} (${code})` : code}`;
}

/** VERIFY_ERRORS words OpenSSL's verify codes (Node's authorizationError) for people. */
const VERIFY_ERRORS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate (incomplete chain?)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issuer certificate not found (unknown CA)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name this host',
};

/** earliestExpiry is the smallest notAfter (unix seconds) of the certificates the peer presented. */
export function earliestExpiry(socket: TLSSocket): number | undefined {
  let cert = socket.getPeerCertificate(true);
  let earliest: number | undefined;
  const seen = new Set<string>();
  while (cert !== undefined && cert !== null && Object.keys(cert).length > 0) {
    const fp = cert.fingerprint256;
    if (seen.has(fp)) break;
    seen.add(fp);
    const t = Date.parse(cert.valid_to) / 1000;
    if (Number.isFinite(t) && (earliest === undefined || t < earliest)) earliest = t;
    cert = cert.issuerCertificate;
  }
  return earliest;
}

/** tlsVersionLabel writes Node's "TLSv1.3" as Go's tls.VersionName does ("TLS 1.3"), as blackbox labels it. */
export function tlsVersionLabel(proto: string): string {
  const m = /^TLSv(\d(?:\.\d)?)$/.exec(proto);
  if (m === null) return proto;
  return `TLS ${m[1]!.includes('.') ? m[1] : `${m[1]}.0`}`;
}

/** errorText renders a failure for ProbeResult.error, with the system error code when it adds something. */
export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: string }).code;
    return code !== undefined && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
  }
  return String(e);
}
