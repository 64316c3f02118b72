import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppFetch } from './protocol';

/** LanShare is the web app behind a Node listener while "share on LAN" is on. */
export interface LanShare {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * startLanShare puts the same in-process web app on a TCP listener (the desktop window keeps using
 * app://). It resolves once listening, or rejects naming the address when it cannot listen.
 */
export function startLanShare(fetch: AppFetch, listen: { host: string; port: number }): Promise<LanShare> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: listen.host, port: listen.port }) as Server;
    server.once('error', (err: NodeJS.ErrnoException) => {
      server.close();
      reject(
        new Error(`share on LAN: cannot listen on ${listen.host}:${listen.port}: ${err.code ?? err.message}`),
      );
    });
    server.once('listening', () => {
      const a = server.address() as AddressInfo;
      const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      resolve({
        url: `http://${host}:${a.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
