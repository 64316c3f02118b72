import { Bonjour, type Service } from 'bonjour-service';
import { networkInterfaces } from 'node:os';
import { PROTOCOL_VERSION, SERVICE_TYPE } from '../pairing/protocol';

/** AdvertOptions are what the agent announces and on which interfaces. */
export interface AdvertOptions {
  id: string;
  hostname: string;
  os: string;
  version: string;
  fingerprint: string;
  port: number;
  scheme?: 'http' | 'https';
  metricsPath?: string;
  /** interfaces limits the announcement to these interface names or IPv4 addresses; all when empty. */
  interfaces?: readonly string[];
  /** addressPollMs: how often to look for an address change (then re-announce); 2 s by default. */
  addressPollMs?: number;
}

/** Advert is a running announcement; stop says goodbye (records with TTL 0) and closes the socket. */
export interface Advert {
  /** instanceName is the DNS-SD instance name announced. */
  readonly instanceName: string;
  stop(): Promise<void>;
}

/** advertTxt is the TXT record of an agent: what the app needs before it ever talks to it. */
export function advertTxt(o: AdvertOptions): Record<string, string> {
  return {
    txtvers: '1',
    proto: PROTOCOL_VERSION,
    id: o.id,
    ver: o.version,
    scheme: o.scheme ?? 'http',
    path: o.metricsPath ?? '/metrics',
    fp: o.fingerprint,
    host: o.hostname,
    os: o.os,
  };
}

/** instanceNameOf is the DNS-SD instance name: readable host name plus the id's head, ≤ 63 bytes. */
export function instanceNameOf(hostname: string, id: string): string {
  return `${hostname.slice(0, 40)}-${id.slice(0, 8)}`;
}

/** resolveInterfaces maps interface names (or IPv4 addresses) to IPv4 addresses; unknown names are errors. */
export function resolveInterfaces(wanted: readonly string[]): string[] {
  const ifs = networkInterfaces();
  return wanted.map((w) => {
    if (/^\d+\.\d+\.\d+\.\d+$/.test(w)) return w;
    const v4 = (ifs[w] ?? []).find((a) => a.family === 'IPv4');
    if (v4 === undefined) throw new Error(`mDNS interface "${w}": no such interface with an IPv4 address`);
    return v4.address;
  });
}

/** addressKey summarizes this machine's non-internal addresses, to notice a change. */
function addressKey(): string {
  const out: string[] = [];
  for (const [name, addrs] of Object.entries(networkInterfaces()))
    for (const a of addrs ?? []) if (!a.internal) out.push(`${name}=${a.address}`);
  return out.sort().join(',');
}

/**
 * advertise announces the agent as `_vigie._tcp` with bonjour-service. When this machine's addresses change
 * it re-announces from a fresh responder (so the new A records go out at once, without a goodbye that would
 * mark the agent down); stop sends the goodbye. Name probing is off: the app identifies agents by id and
 * key, not by instance name, and a probe would let anyone silence an agent by claiming its name first.
 */
export function advertise(o: AdvertOptions): Advert {
  const instanceName = instanceNameOf(o.hostname, o.id);
  let bonjour: Bonjour | undefined;
  let service: Service | undefined;
  const start = (): void => {
    const addrs = resolveInterfaces(o.interfaces ?? []);
    // bind 0.0.0.0: a socket bound to a unicast address never receives the multicast queries.
    const mdnsOpts = addrs.length > 0 ? { interface: addrs[0], bind: '0.0.0.0' } : {};
    bonjour = new Bonjour(mdnsOpts as object, (err: Error) => {
      process.stderr.write(`vigie-agent: mDNS: ${err.message}\n`);
    });
    service = bonjour.publish({
      name: instanceName,
      type: SERVICE_TYPE,
      protocol: 'tcp',
      port: o.port,
      host: `${o.id}.local`,
      txt: advertTxt(o),
      probe: false,
      disableIPv6: true,
    });
  };
  start();
  let last = addressKey();
  const poll = setInterval(() => {
    const now = addressKey();
    if (now === last) return;
    last = now;
    bonjour?.destroy();
    start();
  }, o.addressPollMs ?? 2000);
  poll.unref();

  return {
    instanceName,
    stop: () =>
      new Promise<void>((resolve) => {
        clearInterval(poll);
        const b = bonjour;
        if (b === undefined || service === undefined) return resolve();
        bonjour = undefined;
        // Goodbye first (TTL 0 records), then close; bounded so a stuck socket cannot hold the exit.
        const timer = setTimeout(done, 1000);
        function done(): void {
          clearTimeout(timer);
          b!.destroy();
          resolve();
        }
        b.unpublishAll(done);
      }),
  };
}
