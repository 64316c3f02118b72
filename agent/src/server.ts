import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeBody, MetricsSource, type CollectOptions } from './collect';

/** IDLE_CONNECTION_MS keeps a scraper's connection open between scrapes (up to 5-minute intervals). */
const IDLE_CONNECTION_MS = 5 * 60_000;

/** AgentServerOptions says where the agent listens and how many scrapes it serves at once. */
export interface AgentServerOptions extends CollectOptions {
  host: string;
  port: number;
  /** maxRequests bounds concurrent /metrics scrapes (node_exporter's --web.max-requests); more get 503. */
  maxRequests?: number;
  /** guard, when set, decides who may scrape and signs what they get (pairing: agent/src/pairing/). */
  guard?: ScrapeGuard;
}

/**
 * ScrapeGuard is the pairing hook: it may answer a request itself (the identity endpoint), refuses
 * unauthorized scrapes with 401, and adds headers (the answer's signature) computed over the body.
 */
export interface ScrapeGuard {
  /** handle answers requests the guard owns; true when it did. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** authorize returns the headers-to-be signer for an allowed /metrics request, or the refusal reason. */
  authorize(
    req: IncomingMessage,
  ): { ok: true; sign: (body: string) => Record<string, string> } | { ok: false; reason: string };
}

/** AgentServer is a listening agent: its base URL and a close() that stops it. */
export interface AgentServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const INDEX_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>Vigie agent</title></head>
<body><h1>Vigie agent</h1><p>Metrics in the Prometheus text format: <a href="metrics">/metrics</a></p></body></html>
`;

/**
 * startAgentServer serves /metrics (and a tiny / page) with plain node:http, no framework, so the agent stays
 * small. It resolves once listening, or rejects with a clear message (port in use, bad address).
 */
export async function startAgentServer(opts: AgentServerOptions): Promise<AgentServer> {
  const source = new MetricsSource(opts);
  const maxRequests = opts.maxRequests ?? 40;
  let inFlight = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (opts.guard?.handle(req, res)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(req.method === 'HEAD' ? undefined : INDEX_HTML);
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const verdict = opts.guard?.authorize(req);
    if (verdict !== undefined && !verdict.ok) {
      res
        .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Vigie-Ed25519' })
        .end(`${verdict.reason}\n`);
      return;
    }
    if (inFlight >= maxRequests) {
      res
        .writeHead(503, { 'content-type': 'text/plain' })
        .end(`too many concurrent scrapes (limit ${maxRequests})\n`);
      return;
    }
    inFlight++;
    try {
      const { body, contentType } = await source.exposition(req.headers.accept);
      const { data, encoding } = await encodeBody(body, req.headers['accept-encoding']);
      const headers: Record<string, string | number> = {
        'content-type': contentType,
        'content-length': data.length,
        ...verdict?.sign(body),
      };
      if (encoding !== undefined) headers['content-encoding'] = encoding;
      res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : data);
    } finally {
      inFlight--;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`error collecting metrics: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  });
  // Node closes an idle connection after 5 s, so a scraper polling every 10–60 s reconnected for every
  // scrape (a TCP and HTTP setup on both ends each time). Idle connections now live past the longest usual
  // scrape interval, as node_exporter's do; a silent peer's socket still goes after IDLE_CONNECTION_MS.
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const where = `${opts.host}:${opts.port}`;
      const why =
        err.code === 'EADDRINUSE'
          ? 'address already in use'
          : err.code === 'EADDRNOTAVAIL'
            ? 'address not available on this machine'
            : err.code === 'EACCES'
              ? 'permission denied'
              : err.message;
      reject(new Error(`cannot listen on ${where}: ${why}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}/`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
