import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
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
/** MAX_PARSED_URLS bounds ScrapeHttpClient's cache of parsed target URLs; it starts over when full. */
const MAX_PARSED_URLS = 10_000;

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
  /** parsed caches each scraped URL's request options (bounded by MAX_PARSED_URLS). */
  private readonly parsed = new Map<string, ParsedTarget>();

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
   *
   * One timer and at most one listener on the caller's signal per fetch, both released as soon as the fetch
   * settles: an AbortController per fetch (or AbortSignal.timeout, whose timer and listeners would keep the
   * whole request reachable for the full scrape_timeout) costs more than the rest of a loopback request.
   */
  fetch(url: string, opts: FetchOptions): Promise<ScrapeResponse> {
    return new Promise<ScrapeResponse>((resolve, reject) => {
      let settled = false;
      /** cancel stops the request in flight (socket and inflation) once the fetch has failed. */
      let cancel: (() => void) | undefined;
      const outer = opts.signal;
      const settle = (err: Error | undefined, res?: ScrapeResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outer?.removeEventListener('abort', onAbort);
        if (err === undefined) resolve(res!);
        else {
          cancel?.();
          reject(err);
        }
      };
      const onAbort = (): void => settle(new Error('scrape aborted: the scrape loop is stopping'));
      const timer = setTimeout(
        () => settle(new Error(`scrape timed out after ${opts.timeoutMs / 1000}s (scrape_timeout)`)),
        opts.timeoutMs,
      );
      if (outer?.aborted === true) return onAbort();
      outer?.addEventListener('abort', onAbort, { once: true });
      let hops = 0;
      const go = (current: string): void => {
        cancel = this.get(current, opts, (err, r) => {
          if (err !== undefined) settle(err);
          else if (typeof r !== 'string') settle(undefined, r);
          else if (hops++ >= this.maxRedirects)
            settle(new Error(`stopped after ${this.maxRedirects} redirects`));
          else if (!settled) go(r);
        });
      };
      try {
        go(url);
      } catch (err) {
        settle(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** requestOptions turns a URL into http.request options, parsed once per URL (targets repeat). */
  private requestOptions(url: string): ParsedTarget {
    let o = this.parsed.get(url);
    if (o === undefined) {
      const u = new URL(url);
      o = {
        ...urlToHttpOptions(u),
        isHttps: u.protocol === 'https:',
        loopback: isLoopback(u.hostname),
        hostHeader: u.host,
      };
      if (this.parsed.size >= MAX_PARSED_URLS) this.parsed.clear();
      this.parsed.set(url, o);
    }
    return o;
  }

  /**
   * get does one request and calls done once with the response, the next URL when the server redirects, or
   * an error. It returns the function that cancels the request (after done, a no-op on a finished one).
   */
  private get(
    url: string,
    opts: FetchOptions,
    done: (err: Error | undefined, r?: ScrapeResponse | string) => void,
  ): () => void {
    const { isHttps, loopback, hostHeader, ...base } = this.requestOptions(url);
    let finished = false;
    let gunzip: Gunzip | undefined;
    const finish = (err: Error | undefined, r?: ScrapeResponse | string): void => {
      if (finished) return;
      finished = true;
      if (err !== undefined) {
        req.destroy();
        gunzip?.destroy(); // stop inflating what is already buffered
      }
      done(err, r);
    };
    const req = (isHttps ? https : http).request(
      {
        ...base,
        method: 'GET',
        agent: isHttps ? this.httpsAgent : this.httpAgent,
        // Headers as a flat list are written as they are (Host included by hand), skipping setHeader's
        // per-header bookkeeping, which shows in a loopback scrape's CPU profile.
        headers: requestHeaders(hostHeader, this.gzipOnLoopback || !loopback, opts),
      },
      (res) => {
        const location = res.headers.location;
        if (REDIRECTS.has(res.statusCode ?? 0) && location !== undefined) {
          res.resume();
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            finish(new Error(`invalid redirect location "${location}"`));
            return;
          }
          if (next.protocol !== 'http:' && next.protocol !== 'https:')
            finish(new Error(`redirect to unsupported scheme "${next.protocol}"`));
          else finish(undefined, next.toString());
          return;
        }
        if (res.statusCode !== 200) {
          res.resume();
          finish(
            new Error(`server returned HTTP status ${res.statusCode} ${res.statusMessage ?? ''}`.trim()),
          );
          return;
        }
        const encoding = (res.headers['content-encoding'] ?? '').toLowerCase();
        const contentType = res.headers['content-type'] ?? '';
        const limit = opts.bodySizeLimit > 0 ? opts.bodySizeLimit : Infinity;
        const declared = Number(res.headers['content-length']);
        if (encoding !== 'gzip' && declared > limit) {
          finish(new BodySizeLimitError(opts.bodySizeLimit));
          return;
        }
        let stream: NodeJS.ReadableStream = res;
        if (encoding === 'gzip') {
          gunzip = createGunzip();
          gunzip.on('error', (e) => finish(new Error(`invalid gzip body: ${e.message}`)));
          stream = res.pipe(gunzip);
        } else if (encoding !== '' && encoding !== 'identity') {
          finish(new Error(`unsupported Content-Encoding "${encoding}"`));
          return;
        }
        const chunks: Buffer[] = [];
        let bytes = 0;
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > limit) {
            finish(new BodySizeLimitError(opts.bodySizeLimit));
            return;
          }
          chunks.push(chunk);
        });
        stream.on('end', () => {
          if (finished) return;
          const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
          finish(undefined, { body: buf.toString('utf8'), contentType, bytes, headers: res.headers });
        });
        res.on('error', (e) => finish(e));
        res.on('aborted', () => finish(new Error('connection closed mid-body')));
      },
    );
    req.on('error', (e) => finish(e));
    req.end();
    return () => finish(new Error('cancelled'));
  }

  /** close drops idle keep-alive connections so no socket outlives the manager. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** ParsedTarget is a scraped URL made into request options once. */
type ParsedTarget = http.RequestOptions & { isHttps: boolean; loopback: boolean; hostHeader: string };

/**
 * requestHeaders lists a scrape request's headers as name, value pairs: the caller's extra headers (a
 * wrapper's signature) first, then the defaults, which the extra ones never replace.
 */
function requestHeaders(host: string, gzip: boolean, opts: FetchOptions): string[] {
  const out = ['Host', host];
  const defaults: Record<string, string> = {
    accept: SCRAPE_ACCEPT_HEADER,
    'accept-encoding': gzip ? 'gzip' : 'identity',
    'user-agent': USER_AGENT,
    'x-prometheus-scrape-timeout-seconds': String(opts.timeoutMs / 1000),
  };
  if (opts.headers !== undefined)
    for (const name in opts.headers) {
      const lower = name.toLowerCase();
      if (lower !== 'host' && !(lower in defaults)) out.push(name, opts.headers[name]!);
    }
  out.push(
    'Accept',
    defaults.accept!,
    'Accept-Encoding',
    defaults['accept-encoding']!,
    'User-Agent',
    USER_AGENT,
    'X-Prometheus-Scrape-Timeout-Seconds',
    defaults['x-prometheus-scrape-timeout-seconds']!,
  );
  return out;
}

/** isLoopback tells whether a URL's hostname names this machine's loopback interface. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
