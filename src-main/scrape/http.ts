import http from 'node:http';
import https from 'node:https';
import { createGunzip, type Gunzip } from 'node:zlib';
import pkg from '../../package.json' with { type: 'json' };

/**
 * SCRAPE_ACCEPT_HEADER is the Accept header Prometheus (2.49 and later, with the default scrape_protocols minus
 * protobuf, which Vigie does not parse) sends: OpenMetrics preferred, the classic text format as fallback,
 * anything else last. The weights follow Prometheus's rule: `q=0.<n>` counting down from the number of known
 * protocols plus one.
 */
export const SCRAPE_ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,' +
  'text/plain;version=0.0.4;q=0.3,*/*;q=0.2';

/** DEFAULT_MAX_REDIRECTS matches Prometheus's follow_redirects (Go's http.Client stops after 10). */
export const DEFAULT_MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** USER_AGENT names Vigie and its version to the scraped target, as Prometheus sends `Prometheus/<version>`. */
export const USER_AGENT = `Vigie/${pkg.version}`;

/** ScrapeResponse is one successful fetch: the decompressed body and the Content-Type it was served with. */
export interface ScrapeResponse {
  body: string;
  contentType: string;
  /** bytes is the decompressed body size. */
  bytes: number;
  /** headers of the answer (lower-case names), for wrappers that check them, such as agent signatures. */
  headers?: http.IncomingHttpHeaders;
}

/** FetchOptions are the per-target settings of one fetch. */
export interface FetchOptions {
  /** timeoutMs aborts the whole request (connect, headers and body) after this long. */
  timeoutMs: number;
  /** bodySizeLimit caps the decompressed body in bytes; 0 means no limit. */
  bodySizeLimit: number;
  /** signal aborts the request early (the loop is stopping). */
  signal?: AbortSignal;
  /** headers are added to the request (a wrapper's signature headers); they never replace the defaults. */
  headers?: Readonly<Record<string, string>>;
}

/** BodySizeLimitError is a body larger than body_size_limit; the transfer was cut as soon as it was seen. */
export class BodySizeLimitError extends Error {
  constructor(readonly limit: number) {
    super(`body size limit exceeded: the decompressed body is larger than body_size_limit (${limit} bytes)`);
    this.name = 'BodySizeLimitError';
  }
}

/**
 * ScrapeHttpClient fetches scrape bodies over node:http/https with keep-alive agents, so a target scraped
 * every few seconds reuses one connection instead of paying a TCP handshake per scrape.
 */
export class ScrapeHttpClient {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 4 });
  private readonly maxRedirects: number;
  private readonly gzipOnLoopback: boolean;

  /**
   * gzipOnLoopback: false stops asking loopback targets (127.0.0.0/8, ::1, localhost) for gzip; on loopback
   * compressing and inflating cost CPU on both ends and save nothing (the in-process agent compresses for its
   * own process to inflate). The default, true, asks every target for gzip, as Prometheus does.
   */
  constructor(opts: { maxRedirects?: number; gzipOnLoopback?: boolean } = {}) {
    this.maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    this.gzipOnLoopback = opts.gzipOnLoopback ?? true;
  }

  /**
   * fetch GETs url and resolves with its body, or rejects with an Error saying what went wrong. Redirects
   * are followed (at most maxRedirects, 10 by default like Prometheus's follow_redirects) within the same timeout.
   */
  async fetch(url: string, opts: FetchOptions): Promise<ScrapeResponse> {
    // One controller per fetch, aborted by the timeout or the caller's signal, and both released as soon as
    // the fetch settles: AbortSignal.timeout's timer and listeners would keep the whole request (socket,
    // parser, body chunks) reachable for the full scrape_timeout, long enough for V8 to promote it to the
    // old generation on every scrape.
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, opts.timeoutMs);
    const outer = opts.signal;
    const onOuterAbort = (): void => ac.abort();
    if (outer?.aborted === true) ac.abort();
    else outer?.addEventListener('abort', onOuterAbort, { once: true });
    try {
      let current = url;
      for (let hops = 0; ; hops++) {
        const r = await this.get(current, opts, ac.signal, () => timedOut);
        if (typeof r !== 'string') return r;
        if (hops >= this.maxRedirects) throw new Error(`stopped after ${this.maxRedirects} redirects`);
        current = r;
      }
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
  }

  /** get does one request; it resolves with the next URL when the server redirects. */
  private get(
    url: string,
    opts: FetchOptions,
    signal: AbortSignal,
    timedOut: () => boolean,
  ): Promise<ScrapeResponse | string> {
    const parsed = new URL(url);
    const isHttps = parsed.protocol === 'https:';
    return new Promise<ScrapeResponse | string>((resolve, reject) => {
      let settled = false;
      let gunzip: Gunzip | undefined;
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        req.destroy();
        gunzip?.destroy(); // stop inflating what is already buffered
        reject(err);
      };
      const onAbort = (): void => fail(abortError());
      const abortError = (): Error =>
        timedOut()
          ? new Error(`scrape timed out after ${opts.timeoutMs / 1000}s (scrape_timeout)`)
          : new Error('scrape aborted: the scrape loop is stopping');
      const req = (isHttps ? https : http).request(
        parsed,
        {
          method: 'GET',
          agent: isHttps ? this.httpsAgent : this.httpAgent,
          headers: {
            ...opts.headers,
            Accept: SCRAPE_ACCEPT_HEADER,
            'Accept-Encoding': this.gzipOnLoopback || !isLoopback(parsed.hostname) ? 'gzip' : 'identity',
            'User-Agent': USER_AGENT,
            'X-Prometheus-Scrape-Timeout-Seconds': String(opts.timeoutMs / 1000),
          },
        },
        (res) => {
          const location = res.headers.location;
          if (REDIRECTS.has(res.statusCode ?? 0) && location !== undefined) {
            res.resume();
            settled = true;
            signal.removeEventListener('abort', onAbort);
            let next: URL;
            try {
              next = new URL(location, parsed);
            } catch {
              reject(new Error(`invalid redirect location "${location}"`));
              return;
            }
            if (next.protocol !== 'http:' && next.protocol !== 'https:')
              reject(new Error(`redirect to unsupported scheme "${next.protocol}"`));
            else resolve(next.toString());
            return;
          }
          if (res.statusCode !== 200) {
            res.resume();
            fail(
              new Error(`server returned HTTP status ${res.statusCode} ${res.statusMessage ?? ''}`.trim()),
            );
            return;
          }
          const encoding = (res.headers['content-encoding'] ?? '').toLowerCase();
          const contentType = res.headers['content-type'] ?? '';
          const limit = opts.bodySizeLimit > 0 ? opts.bodySizeLimit : Infinity;
          const declared = Number(res.headers['content-length']);
          if (encoding !== 'gzip' && declared > limit) {
            fail(new BodySizeLimitError(opts.bodySizeLimit));
            return;
          }
          let stream: NodeJS.ReadableStream = res;
          if (encoding === 'gzip') {
            gunzip = createGunzip();
            gunzip.on('error', (e) => fail(new Error(`invalid gzip body: ${e.message}`)));
            stream = res.pipe(gunzip);
          } else if (encoding !== '' && encoding !== 'identity') {
            fail(new Error(`unsupported Content-Encoding "${encoding}"`));
            return;
          }
          const chunks: Buffer[] = [];
          let bytes = 0;
          stream.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > limit) {
              fail(new BodySizeLimitError(opts.bodySizeLimit));
              return;
            }
            chunks.push(chunk);
          });
          stream.on('end', () => {
            if (settled) return;
            settled = true;
            signal.removeEventListener('abort', onAbort);
            const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
            resolve({ body: buf.toString('utf8'), contentType, bytes, headers: res.headers });
          });
          res.on('error', (e) => fail(signal.aborted ? abortError() : e));
          res.on('aborted', () =>
            fail(signal.aborted ? abortError() : new Error('connection closed mid-body')),
          );
        },
      );
      req.on('error', (e) => fail(signal.aborted ? abortError() : e));
      if (signal.aborted) fail(abortError());
      else signal.addEventListener('abort', onAbort, { once: true });
      req.end();
    });
  }

  /** close drops idle keep-alive connections so no socket outlives the manager. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** isLoopback tells whether a URL's hostname names this machine's loopback interface. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
