import { createRequire } from 'node:module';
import { networkInterfaces } from 'node:os';
import { ServiceTable, type DnsPacket, type ServiceEvent } from './mdns-records';

/** MulticastDns is the part of the `multicast-dns` package (bonjour-service's transport) the browser uses. */
interface MulticastDns {
  on(event: 'response', f: (packet: DnsPacket, rinfo: { address: string }) => void): void;
  on(event: 'error' | 'warning', f: (err: Error) => void): void;
  on(event: 'ready', f: () => void): void;
  query(q: { questions: { name: string; type: string }[] }): void;
  destroy(cb?: () => void): void;
}
const multicastDns = createRequire(import.meta.url)('multicast-dns') as (opts: object) => MulticastDns;

/** MdnsBrowserOptions say what to browse, where, and how often. */
export interface MdnsBrowserOptions {
  /** types are DNS-SD service types, e.g. "_vigie._tcp". */
  types: readonly string[];
  /** interfaces: names or IPv4 addresses to browse on (the first sends queries); all when empty. */
  interfaces?: readonly string[];
  /** queryIntervalMs: how often to ask again for every instance (10 s by default). */
  queryIntervalMs?: number;
  /** maxSilenceMs: an instance that answered nothing for this long is down, "expired" (35 s by default). */
  maxSilenceMs?: number;
  /** port is the mDNS port (5353); tests may use another. */
  port?: number;
  onEvent: (e: ServiceEvent) => void;
  log?: (level: 'debug' | 'warn' | 'error', message: string) => void;
}

/** resolveMdnsInterfaces maps interface names (or IPv4 addresses) to IPv4 addresses; an unknown name is an error. */
export function resolveMdnsInterfaces(wanted: readonly string[]): string[] {
  const ifs = networkInterfaces();
  return wanted.map((w) => {
    if (/^\d+\.\d+\.\d+\.\d+$/.test(w)) return w;
    const v4 = (ifs[w] ?? []).find((a) => a.family === 'IPv4');
    if (v4 === undefined)
      throw new Error(
        `mDNS interface "${w}" (--mdns-interface or discovery.mdns.interfaces) has no IPv4 address here ` +
          `(have: ${Object.keys(ifs).join(', ')})`,
      );
    return v4.address;
  });
}

/**
 * MdnsBrowser browses DNS-SD service types over multicast DNS: it queries at start and every
 * queryIntervalMs (plus SRV/TXT follow-ups for half-known instances), feeds every response to a
 * ServiceTable and reports instances up, updated and down (goodbye or silence).
 */
export class MdnsBrowser {
  private mdns: MulticastDns | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly table: ServiceTable;
  private readonly queryIntervalMs: number;

  constructor(private readonly opts: MdnsBrowserOptions) {
    this.queryIntervalMs = opts.queryIntervalMs ?? 10_000;
    this.table = new ServiceTable(
      opts.types.map((t) => `${t}.local`),
      opts.maxSilenceMs ?? 35_000,
    );
  }

  /** start opens the socket; it resolves once bound, or rejects with the reason (e.g. port in use). */
  start(): Promise<void> {
    const addrs = resolveMdnsInterfaces(this.opts.interfaces ?? []);
    const log = this.opts.log ?? (() => {});
    // Bind 0.0.0.0 (a socket bound to a unicast address never receives multicast); the interface option
    // picks where the membership is joined and queries are sent.
    const mdns = multicastDns({
      ...(addrs.length > 0 ? { interface: addrs[0], bind: '0.0.0.0' } : {}),
      ...(this.opts.port !== undefined ? { port: this.opts.port } : {}),
    });
    this.mdns = mdns;
    mdns.on('warning', (e) => log('debug', `mDNS: ${e.message}`));
    mdns.on('response', (packet, rinfo) => {
      if (addrs.length > 0 && !this.fromWanted(rinfo.address, addrs)) return;
      for (const e of this.table.apply(packet, rinfo.address, Date.now())) this.opts.onEvent(e);
    });
    return new Promise((resolve, reject) => {
      mdns.on('error', (e) => {
        log('error', `mDNS: ${e.message}`);
        reject(new Error(`mDNS browser: ${e.message}`, { cause: e }));
      });
      mdns.on('ready', () => {
        this.query();
        this.timers.push(setInterval(() => this.query(), this.queryIntervalMs));
        this.timers.push(
          setInterval(() => {
            for (const e of this.table.expire(Date.now())) this.opts.onEvent(e);
          }, 1000),
        );
        resolve();
      });
    });
  }

  /** query asks for every instance of the types, and for the SRV/TXT of instances known only by name. */
  query(): void {
    const questions = this.opts.types.map((t) => ({ name: `${t}.local`, type: 'PTR' }));
    for (const { fqdn, missing } of this.table.incomplete())
      for (const type of missing) questions.push({ name: fqdn, type });
    this.mdns?.query({ questions });
  }

  /** fromWanted keeps answers from the subnets of the chosen interfaces (/24 when the mask is unknown). */
  private fromWanted(source: string, addrs: readonly string[]): boolean {
    const ifs = Object.values(networkInterfaces()).flat();
    return addrs.some((a) => {
      const mask = ifs.find((i) => i?.address === a)?.netmask ?? '255.255.255.0';
      const m = ipv4(mask);
      return (ipv4(a) & m) === (ipv4(source) & m);
    });
  }

  stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const m = this.mdns;
    this.mdns = undefined;
    return new Promise((resolve) => (m === undefined ? resolve() : m.destroy(() => resolve())));
  }
}

function ipv4(a: string): number {
  const p = a.split('.').map(Number);
  return p.length === 4 && p.every((n) => n >= 0 && n < 256)
    ? ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0
    : 0;
}
