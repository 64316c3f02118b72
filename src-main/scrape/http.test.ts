import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import { BodySizeLimitError, isLoopback, SCRAPE_ACCEPT_HEADER, ScrapeHttpClient } from './http';

/** serve starts a loopback HTTP server for one test and closes it (and its sockets) after. */
async function serve(
  t: TestContext,
  handler: RequestListener,
): Promise<{ url: string; connections: () => number }> {
  const server = createServer(handler);
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/metrics`, connections: () => connections };
}

function client(t: TestContext, opts: { gzipOnLoopback?: boolean } = {}): ScrapeHttpClient {
  const c = new ScrapeHttpClient(opts);
  t.after(() => c.close());
  return c;
}

test('a scrape sends Prometheus-style headers and reuses its keep-alive connection', async (t) => {
  let headers: IncomingHttpHeaders = {};
  const srv = await serve(t, (req, res) => {
    headers = req.headers;
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end('up 1\n');
  });
  const c = client(t);
  const r = await c.fetch(srv.url, { timeoutMs: 2500, bodySizeLimit: 0 });
  await c.fetch(srv.url, { timeoutMs: 2500, bodySizeLimit: 0 });
  assert.equal(r.body, 'up 1\n');
  assert.equal(r.contentType, 'text/plain; version=0.0.4');
  assert.equal(headers.accept, SCRAPE_ACCEPT_HEADER);
  assert.match(
    headers.accept!,
    /^application\/openmetrics-text;version=1\.0\.0;q=0\.5,.*text\/plain;version=0\.0\.4;q=0\.3,\*\/\*;q=0\.2$/,
  );
  assert.equal(headers['accept-encoding'], 'gzip');
  assert.match(headers['user-agent']!, /^Vigie\/\d+\.\d+\.\d+/);
  assert.equal(headers['x-prometheus-scrape-timeout-seconds'], '2.5');
  assert.equal(srv.connections(), 1);
});

test('a gzip body is decompressed', async (t) => {
  const body = 'node_cpu_seconds_total{cpu="0"} 1\n'.repeat(1000);
  const srv = await serve(t, (_req, res) => {
    res.setHeader('Content-Encoding', 'gzip');
    res.end(gzipSync(body));
  });
  const r = await client(t).fetch(srv.url, { timeoutMs: 5000, bodySizeLimit: body.length });
  assert.equal(r.body, body);
  assert.equal(r.bytes, body.length);
});

test('body_size_limit applies to the decompressed body (a gzip bomb is refused)', async (t) => {
  const bomb = gzipSync(Buffer.alloc(20 << 20, 'a'));
  assert.ok(bomb.length < 100_000);
  const srv = await serve(t, (_req, res) => {
    res.setHeader('Content-Encoding', 'gzip');
    res.end(bomb);
  });
  await assert.rejects(
    client(t).fetch(srv.url, { timeoutMs: 5000, bodySizeLimit: 1 << 20 }),
    (e: unknown) => e instanceof BodySizeLimitError && /body_size_limit \(1048576 bytes\)/.test(e.message),
  );
});

test('body_size_limit aborts the transfer as soon as it is exceeded', async (t) => {
  const chunk = Buffer.alloc(64 << 10, 'x');
  const maxChunks = 2000; // 128 MiB if the client never stopped reading
  let written = 0;
  let closedEarly!: () => void;
  const closed = new Promise<void>((r) => (closedEarly = r));
  const srv = await serve(t, (_req, res) => {
    res.on('close', () => closedEarly());
    const pump = (): void => {
      while (written < maxChunks && !res.destroyed) {
        written++;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  await assert.rejects(
    client(t).fetch(srv.url, { timeoutMs: 10_000, bodySizeLimit: 256 << 10 }),
    BodySizeLimitError,
  );
  await closed;
  assert.ok(
    written < maxChunks / 4,
    `server wrote ${written} of ${maxChunks} chunks before the client hung up`,
  );
});

test('a declared Content-Length over the limit fails before the body is read', async (t) => {
  const srv = await serve(t, (_req, res) => res.end(Buffer.alloc(5000)));
  await assert.rejects(
    client(t).fetch(srv.url, { timeoutMs: 5000, bodySizeLimit: 4999 }),
    BodySizeLimitError,
  );
});

test('scrape_timeout aborts a target that does not answer', async (t) => {
  const srv = await serve(t, () => {
    /* never answers */
  });
  const started = performance.now();
  await assert.rejects(
    client(t).fetch(srv.url, { timeoutMs: 200, bodySizeLimit: 0 }),
    /scrape timed out after 0.2s/,
  );
  assert.ok(performance.now() - started < 5000);
});

test('a non-200 status and an unreachable port fail with what happened', async (t) => {
  const srv = await serve(t, (_req, res) => {
    res.statusCode = 503;
    res.end('busy');
  });
  const c = client(t);
  await assert.rejects(
    c.fetch(srv.url, { timeoutMs: 5000, bodySizeLimit: 0 }),
    /server returned HTTP status 503 Service Unavailable/,
  );
  // Port 1 on loopback: nothing listens there; the connection is refused without leaving the machine.
  await assert.rejects(
    c.fetch('http://127.0.0.1:1/metrics', { timeoutMs: 5000, bodySizeLimit: 0 }),
    /ECONNREFUSED/,
  );
});

test('stopping aborts an in-flight fetch', async (t) => {
  const srv = await serve(t, () => {});
  const ac = new AbortController();
  const p = client(t).fetch(srv.url, { timeoutMs: 10_000, bodySizeLimit: 0, signal: ac.signal });
  ac.abort();
  await assert.rejects(p, /scrape aborted: the scrape loop is stopping/);
});

test('redirects are followed, at most 10 times', async (t) => {
  let hits = 0;
  const srv = await serve(t, (req, res) => {
    hits++;
    if (req.url === '/metrics') {
      res.statusCode = 302;
      res.setHeader('Location', '/real?x=1');
      return void res.end();
    }
    if (req.url === '/loop') {
      res.statusCode = 307;
      res.setHeader('Location', '/loop');
      return void res.end();
    }
    res.end(`at ${req.url}\n`);
  });
  const c = client(t);
  assert.equal((await c.fetch(srv.url, { timeoutMs: 5000, bodySizeLimit: 0 })).body, 'at /real?x=1\n');
  assert.equal(hits, 2);
  await assert.rejects(
    c.fetch(srv.url.replace('/metrics', '/loop'), { timeoutMs: 5000, bodySizeLimit: 0 }),
    /stopped after 10 redirects/,
  );
});

test('a body that is not the gzip it claims to be fails the scrape', async (t) => {
  const srv = await serve(t, (_req, res) => {
    res.setHeader('Content-Encoding', 'gzip');
    res.end('up 1\n');
  });
  await assert.rejects(client(t).fetch(srv.url, { timeoutMs: 5000, bodySizeLimit: 0 }), /invalid gzip body/);
});

test('with gzipOnLoopback false, loopback targets are not asked for gzip', async (t) => {
  const seen: (string | undefined)[] = [];
  const srv = await serve(t, (req, res) => {
    seen.push(req.headers['accept-encoding']);
    res.end('up 1\n');
  });
  await client(t, { gzipOnLoopback: false }).fetch(srv.url, { timeoutMs: 5000, bodySizeLimit: 0 });
  await client(t).fetch(srv.url, { timeoutMs: 5000, bodySizeLimit: 0 });
  assert.deepEqual(seen, ['identity', 'gzip']);
  assert.deepEqual(
    ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '10.0.0.1', '128.0.0.1', 'example.org'].map(isLoopback),
    [true, true, true, true, false, false, false],
  );
});
