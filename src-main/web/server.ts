import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/** RunningServer is a listening web app: its base URL and how to stop it. */
export interface RunningServer {
  url: string;
  /** close stops listening, ends open connections, and resolves once the port is free. */
  close(): Promise<void>;
}

/**
 * startServer puts the web app behind a Node HTTP listener on host:port (port 0 picks a free one).
 * It resolves once listening, or rejects with a clear message when the port is taken or not allowed.
 */
export function startServer(app: Hono, opts: { host: string; port: number }): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: opts.host, port: opts.port }) as Server;
    const where = `${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`;
    const onError = (err: NodeJS.ErrnoException): void => {
      server.close();
      if (err.code === 'EADDRINUSE')
        reject(
          new Error(`cannot listen on ${where}: the address is already in use (is Vigie already running?)`),
        );
      else if (err.code === 'EACCES')
        reject(new Error(`cannot listen on ${where}: permission denied (ports below 1024 need privileges)`));
      else if (err.code === 'EADDRNOTAVAIL')
        reject(new Error(`cannot listen on ${where}: no interface of this machine has that address`));
      else reject(new Error(`cannot listen on ${where}: ${err.message}`));
    };
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      const addr = server.address() as AddressInfo;
      const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({
        url: `http://${host}:${addr.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
