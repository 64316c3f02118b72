/**
 * mDNS / DNS-SD record handling, free of sockets so it is tested with plain packets: which service instances
 * a response announces, updates or says goodbye to, and which ones expired because nobody answered.
 */

/** DnsRecord is one resource record as dns-packet decodes it. */
export interface DnsRecord {
  name: string;
  type: string;
  ttl?: number;
  data?: unknown;
}

/** DnsPacket is a decoded mDNS message. */
export interface DnsPacket {
  type?: string;
  answers?: DnsRecord[];
  additionals?: DnsRecord[];
}

/** DiscoveredService is one complete service instance as seen from one source address. */
export interface DiscoveredService {
  /** key is the instance's fully-qualified name and the answering source: `fqdn@ip`. */
  key: string;
  fqdn: string;
  /** name is the instance label (e.g. "host-1234abcd"). */
  name: string;
  /** type is the service type without ".local", e.g. "_vigie._tcp". */
  type: string;
  host: string;
  port: number;
  /** address is the IPv4 to reach it: the answering source when the host's A records include it. */
  address: string;
  txt: Record<string, string>;
}

/** ServiceEvent is what a packet or the clock changed. */
export type ServiceEvent =
  | { kind: 'up' | 'update'; service: DiscoveredService }
  | { kind: 'down'; service: DiscoveredService; why: 'goodbye' | 'expired' };

interface Entry {
  fqdn: string;
  source: string;
  type: string;
  srv?: { target: string; port: number };
  txt?: Record<string, string>;
  seen: number;
  /** announced: the last complete service sent up, for update detection. */
  announced?: DiscoveredService;
}

const lower = (s: string): string => s.toLowerCase().replace(/\.$/, '');

/** decodeTxt turns TXT strings (Buffers or strings) into key → value; later duplicates are ignored (RFC 6763 §6.4). */
export function decodeTxt(data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const items = Array.isArray(data) ? data : data === undefined ? [] : [data];
  for (const item of items) {
    const s = Buffer.isBuffer(item) ? item.toString('utf8') : String(item);
    if (s === '') continue;
    const eq = s.indexOf('=');
    const k = (eq < 0 ? s : s.slice(0, eq)).toLowerCase();
    if (k === '' || k in out) continue;
    out[k] = eq < 0 ? '' : s.slice(eq + 1);
  }
  return out;
}

/** instanceLabel is the first label of an instance name, with DNS escapes (`\.`, `\032`) undone. */
export function instanceLabel(fqdn: string, type: string): string {
  const suffix = `.${type}.local`;
  const raw = fqdn.toLowerCase().endsWith(suffix.toLowerCase()) ? fqdn.slice(0, -suffix.length) : fqdn;
  return raw.replace(/\\(\d{3}|.)/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(Number(e)) : e));
}

/**
 * ServiceTable follows the instances of some DNS-SD service types across responses. An instance is keyed by
 * name and source, so two hosts claiming one name stay apart (an impostor cannot hijack a known agent's
 * address). It is complete once its SRV and TXT arrived; it goes down on a goodbye (TTL 0) or when nothing
 * was heard from it for maxSilenceMs, however long its records' TTLs (the browser re-queries well within).
 */
export class ServiceTable {
  private readonly entries = new Map<string, Entry>();
  /** hosts: A records by host name @ source, as responses may carry them apart from the SRV. */
  private readonly hosts = new Map<string, { addresses: string[]; seen: number }>();
  private readonly types: string[];

  constructor(
    types: readonly string[],
    private readonly maxSilenceMs: number,
  ) {
    this.types = types.map((t) => lower(t));
  }

  /** incomplete lists instance names whose SRV or TXT is missing, for follow-up queries. */
  incomplete(): { fqdn: string; missing: ('SRV' | 'TXT')[] }[] {
    const out: { fqdn: string; missing: ('SRV' | 'TXT')[] }[] = [];
    for (const e of this.entries.values()) {
      const missing: ('SRV' | 'TXT')[] = [];
      if (e.srv === undefined) missing.push('SRV');
      if (e.txt === undefined) missing.push('TXT');
      if (missing.length > 0) out.push({ fqdn: e.fqdn, missing });
    }
    return out;
  }

  /** apply reads one response from source and returns what it changed. */
  apply(packet: DnsPacket, source: string, now: number): ServiceEvent[] {
    const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])];
    const events: ServiceEvent[] = [];
    const touched = new Set<Entry>();
    for (const r of records) {
      if (r.type !== 'A' || typeof r.data !== 'string') continue;
      const k = `${lower(r.name)}@${source}`;
      const h = this.hosts.get(k);
      if (h === undefined || h.seen !== now) this.hosts.set(k, { addresses: [r.data], seen: now });
      else if (!h.addresses.includes(r.data)) h.addresses.push(r.data);
    }
    for (const r of records) {
      const name = lower(r.name);
      if (r.type === 'PTR' && this.types.includes(name) && typeof r.data === 'string') {
        const fqdn = lower(r.data);
        const key = `${fqdn}@${source}`;
        if (r.ttl === 0) {
          const e = this.entries.get(key);
          this.entries.delete(key);
          if (e?.announced !== undefined) events.push({ kind: 'down', service: e.announced, why: 'goodbye' });
          continue;
        }
        const e = this.entry(fqdn, source, name, now);
        if (e !== undefined) touched.add(e);
        continue;
      }
      if (r.type !== 'SRV' && r.type !== 'TXT') continue;
      const type = this.types.find((t) => name.endsWith('.' + t));
      if (type === undefined) continue;
      const e = this.entry(name, source, type, now);
      if (e === undefined) continue;
      if (r.ttl === 0) continue; // a goodbye for SRV/TXT alone: the PTR goodbye decides.
      touched.add(e);
      if (r.type === 'SRV') {
        const d = r.data as { target?: string; port?: number } | undefined;
        if (typeof d?.target === 'string' && typeof d.port === 'number')
          e.srv = { target: lower(d.target), port: d.port };
      } else e.txt = decodeTxt(r.data);
    }
    for (const e of touched) {
      e.seen = now;
      const s = this.complete(e);
      if (s === undefined) continue;
      if (e.announced === undefined) events.push({ kind: 'up', service: s });
      else if (JSON.stringify(e.announced) !== JSON.stringify(s)) events.push({ kind: 'update', service: s });
      e.announced = s;
    }
    return events;
  }

  /** expire drops instances silent for longer than maxSilenceMs. */
  expire(now: number): ServiceEvent[] {
    const events: ServiceEvent[] = [];
    for (const [key, e] of this.entries) {
      if (now - e.seen <= this.maxSilenceMs) continue;
      this.entries.delete(key);
      if (e.announced !== undefined) events.push({ kind: 'down', service: e.announced, why: 'expired' });
    }
    for (const [k, h] of this.hosts) if (now - h.seen > this.maxSilenceMs) this.hosts.delete(k);
    return events;
  }

  private entry(fqdn: string, source: string, type: string, now: number): Entry | undefined {
    const key = `${fqdn}@${source}`;
    let e = this.entries.get(key);
    if (e === undefined) {
      e = { fqdn, source, type, seen: now };
      this.entries.set(key, e);
    }
    return e;
  }

  private complete(e: Entry): DiscoveredService | undefined {
    if (e.srv === undefined || e.txt === undefined) return undefined;
    const addrs = this.hosts.get(`${e.srv.target}@${e.source}`)?.addresses ?? [];
    const address = addrs.length === 0 || addrs.includes(e.source) ? e.source : addrs[0]!;
    const type = e.type.replace(/\.local$/, '');
    return {
      key: `${e.fqdn}@${e.source}`,
      fqdn: e.fqdn,
      name: instanceLabel(e.fqdn, type),
      type,
      host: e.srv.target,
      port: e.srv.port,
      address,
      txt: e.txt,
    };
  }
}
