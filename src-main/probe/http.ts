import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ProbeCheck } from './api';
import { recordTls, resolveHost, type ProbeContext } from './util';

/** MAX_REDIRECTS is how many redirects a check follows, as Go's http.Client (and blackbox_exporter). */
export const MAX_REDIRECTS = 10;

const PHASES = ['resolve', 'connect', 'tls', 'processing', 'transfer'] as const;
type Phase = (typeof PHASES)[number];

/** Hop is the answer to one request of a probe (a redirect is one hop). */
interface Hop {
  status: number;
  location?: string;
  httpVersion: string;
  contentLength: number;
  body: Buffer;
  ssl: boolean;
}

/**
 * probeHttp runs an HTTP(S) check the way blackbox_exporter's http prober does: resolve, connect (a new
 * connection per request, no keep-alive, so every phase is measured), TLS, send, read. Phase times add up
 * over redirects. Success needs a valid status (2xx unless listed), every body regex to match and, for
 * HTTPS, a verified certificate unless tlsSkipVerify.
 */
export async function probeHttp(check: ProbeCheck, ctx: ProbeContext): Promise<void> {
  const h = check.http ?? {};
  const out = ctx.out;
  const phases: Record<Phase, number> = { resolve: 0, connect: 0, tls: 0, processing: 0, transfer: 0 };
  out.phases = phases;
  const publish = (): void => {
    for (const p of PHASES) out.set('probe_http_duration_seconds', phases[p], { phase: p });
  };
  publish();
  out.set('probe_http_status_code', 0);
  out.set('probe_http_redirects', 0);
  out.set('probe_failed_due_to_regex', 0);
  let url = new URL(check.target);
  let method = h.method ?? 'GET';
  let redirects = 0;
  let hop: Hop;
  try {
    for (;;) {
      hop = await oneRequest(url, method, h.tlsSkipVerify ?? false, ctx, phases);
      if ((h.followRedirects ?? true) && hop.status >= 300 && hop.status < 400 && hop.location) {
        if (++redirects > MAX_REDIRECTS) throw new Error(`stopped after ${MAX_REDIRECTS} redirects`);
        out.set('probe_http_redirects', redirects);
        url = new URL(hop.location, url);
        if (url.protocol !== 'http:' && url.protocol !== 'https:')
          throw new Error(`redirect to unsupported URL ${url.href}`);
        // As browsers and Go: 303 always, 301/302 for POST, become GET.
        if (hop.status === 303 || ((hop.status === 301 || hop.status === 302) && method === 'POST'))
          method = 'GET';
        continue;
      }
      break;
    }
  } finally {
    publish();
  }
  out.httpStatus = hop.status;
  out.set('probe_http_status_code', hop.status);
  out.set('probe_http_version', Number(hop.httpVersion) || 0);
  out.set('probe_http_content_length', hop.contentLength);
  out.set('probe_http_uncompressed_body_length', hop.body.length);
  out.set('probe_http_ssl', hop.ssl ? 1 : 0);
  const valid = h.validStatusCodes;
  const statusOk =
    valid !== undefined && valid.length > 0
      ? valid.includes(hop.status)
      : hop.status >= 200 && hop.status < 300;
  if (!statusOk) out.fail(`status code ${hop.status} is not valid`);
  const regexes = [...(h.bodyRegex !== undefined ? [h.bodyRegex] : []), ...(h.bodyRegexes ?? [])];
  if (regexes.length > 0) {
    const text = hop.body.toString('utf8');
    const missing = regexes.find((r) => !new RegExp(r).test(text));
    if (missing !== undefined) {
      out.set('probe_failed_due_to_regex', 1);
      out.fail(`body does not match /${missing}/`);
    }
  }
}

/** oneRequest sends one request on a new connection and reads the answer, adding to the phase times. */
async function oneRequest(
  url: URL,
  method: string,
  skipVerify: boolean,
  ctx: ProbeContext,
  phases: Record<Phase, number>,
): Promise<Hop> {
  const ssl = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addr = await resolveHost(host, ctx);
  phases.resolve += addr.seconds;
  const port = url.port !== '' ? Number(url.port) : ssl ? 443 : 80;
  const request = ssl ? httpsRequest : httpRequest;
  return new Promise<Hop>((resolve, reject) => {
    let mark = performance.now();
    const lap = (phase: Phase): void => {
      const now = performance.now();
      phases[phase] += (now - mark) / 1000;
      mark = now;
    };
    const req = request({
      host: addr.address,
      family: addr.family,
      port,
      method,
      path: url.pathname + url.search,
      headers: { host: url.host, 'user-agent': 'Vigie probe', accept: '*/*' },
      agent: false,
      signal: ctx.signal,
      ...(ssl ? { servername: isIP(host) === 0 ? host : undefined, rejectUnauthorized: false } : {}),
    });
    req.on('error', reject);
    req.on('socket', (socket: Socket) => {
      socket.once('connect', () => lap('connect'));
      if (ssl)
        socket.once('secureConnect', () => {
          lap('tls');
          const verifyError = recordTls(socket as TLSSocket, ctx);
          if (verifyError !== undefined && !skipVerify) req.destroy(new Error(verifyError));
        });
    });
    req.on('response', (res: IncomingMessage) => {
      lap('processing');
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (ctx.bodySizeLimit > 0 && size > ctx.bodySizeLimit) {
          req.destroy(new Error(`body larger than the limit of ${ctx.bodySizeLimit} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('error', reject);
      res.on('end', () => {
        lap('transfer');
        const cl = res.headers['content-length'];
        resolve({
          status: res.statusCode ?? 0,
          location: res.headers.location,
          httpVersion: res.httpVersion,
          contentLength: cl !== undefined ? Number(cl) : -1,
          body: Buffer.concat(chunks),
          ssl,
        });
      });
    });
    req.end();
  });
}
