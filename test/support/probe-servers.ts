/**
 * Servers for probe tests, the lab's probe fixture and the probe benchmark: an HTTP server (an answer, a
 * redirect, a status, a request that never gets an answer), an HTTPS server with a certificate made by
 * `openssl` with a short expiry, and a small DNS responder over UDP built with dns-packet. They listen
 * where they are told (127.0.0.1 or a lab namespace's address), never anywhere else.
 */
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';

/** TestCert is a self-signed certificate and its key, and when it expires (unix seconds). */
export interface TestCert {
  cert: string;
  key: string;
  notAfter: number;
}

/** makeCert creates a self-signed EC certificate for `cn` valid `days` days with openssl, in dir. */
export function makeCert(dir: string, cn: string, days: number): TestCert {
  const key = join(dir, `${cn}.key`);
  const crt = join(dir, `${cn}.crt`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      crt,
      '-days',
      String(days),
      '-subj',
      `/CN=${cn}`,
      '-addext',
      `subjectAltName=DNS:${cn},IP:127.0.0.1`,
    ],
    { stdio: 'ignore' },
  );
  const end = execFileSync('openssl', ['x509', '-in', crt, '-noout', '-enddate'], { encoding: 'utf8' });
  const notAfter = Date.parse(end.trim().replace(/^notAfter=/, '')) / 1000;
  return { cert: readFileSync(crt, 'utf8'), key: readFileSync(key, 'utf8'), notAfter };
}

/** handler answers: /ok 200 "vigie ok", /redirect 302 → /ok, /loop 302 → /loop, /status/N N, /hang never. */
function handler(req: IncomingMessage, res: ServerResponse): void {
  const url = (req.url ?? '/').replace(/\?.*$/, '');
  if (url === '/ok' || url === '/')
    return void res.writeHead(200, { 'content-type': 'text/plain' }).end('vigie ok\n');
  if (url === '/redirect') return void res.writeHead(302, { location: '/ok' }).end();
  if (url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
  const m = /^\/status\/(\d{3})$/.exec(url);
  if (m !== null) return void res.writeHead(Number(m[1])).end(`status ${m[1]}\n`);
  if (url === '/hang') return; // accepted, read, never answered
  res.writeHead(404).end('not found\n');
}

/** RunningServers are the started servers and their ports; close stops them all. */
export interface RunningServers {
  httpPort: number;
  httpsPort?: number;
  dnsPort?: number;
  close(): Promise<void>;
}

/** DnsZone maps a name to its A records; a name mapped to null gets no answer at all (a silent server). */
export type DnsZone = Record<string, string[] | null>;

/** startDns answers A queries from the zone (NXDOMAIN for unknown names) on host:port over UDP. */
export function startDns(host: string, port: number, zone: DnsZone): Promise<UdpSocket> {
  const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  sock.on('message', (msg, rinfo) => {
    let q: dnsPacket.DecodedPacket;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const question = q.questions?.[0];
    if (question === undefined) return;
    const records = zone[question.name];
    if (records === null) return;
    const answers: dnsPacket.Answer[] =
      question.type === 'A' && records !== undefined
        ? records.map((data) => ({ type: 'A', name: question.name, ttl: 60, class: 'IN', data }))
        : [];
    const flags =
      dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (records === undefined ? 3 : 0);
    const out = dnsPacket.encode({ type: 'response', id: q.id, flags, questions: [question], answers });
    sock.send(out, rinfo.port, rinfo.address);
  });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, host, () => resolve(sock));
  });
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * startProbeServers starts the HTTP server, and the HTTPS server and DNS responder when given a
 * certificate and a zone, on host (port 0: any free port). Hanging requests are cut when closing.
 */
export async function startProbeServers(
  host: string,
  o: { cert?: TestCert; zone?: DnsZone; httpPort?: number; httpsPort?: number; dnsPort?: number } = {},
): Promise<RunningServers> {
  const sockets = new Set<Socket>();
  const track = (s: Server): Server => {
    s.on('connection', (c: Socket) => {
      sockets.add(c);
      c.on('close', () => sockets.delete(c));
    });
    return s;
  };
  const http = track(createHttp(handler));
  const httpPort = await listen(http, host, o.httpPort ?? 0);
  const https = o.cert ? track(createHttps({ cert: o.cert.cert, key: o.cert.key }, handler)) : undefined;
  const httpsPort = https ? await listen(https, host, o.httpsPort ?? 0) : undefined;
  const dns = o.zone ? await startDns(host, o.dnsPort ?? 0, o.zone) : undefined;
  const dnsPort = dns?.address().port;
  return {
    httpPort,
    ...(httpsPort !== undefined ? { httpsPort } : {}),
    ...(dnsPort !== undefined ? { dnsPort } : {}),
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(
        [http, https].map((s) => (s ? new Promise<void>((resolve) => s.close(() => resolve())) : undefined)),
      );
      dns?.close();
    },
  };
}
