import { createSocket } from 'node:dgram';
import { getServers } from 'node:dns';
import { randomInt } from 'node:crypto';
import * as dnsPacket from 'dns-packet';
import type { ProbeCheck } from './api';
import { splitHostPort } from './check';
import { resolveHost, type ProbeContext } from './util';

/** DNS_PAYLOAD_LIMIT is the largest UDP answer read (EDNS-sized); bigger answers come truncated. */
const DNS_PAYLOAD_LIMIT = 4096;

/**
 * probeDns asks a server for one record over UDP (dns-packet encodes and decodes) and checks the answer as
 * blackbox_exporter's dns prober: success needs rcode NOERROR and, with `expect`, at least one answer
 * record (written `name.\tttl\tIN\tTYPE\tdata`, as Go's miekg/dns prints it) matching the regex.
 */
export async function probeDns(check: ProbeCheck, ctx: ProbeContext): Promise<void> {
  const d = check.dns ?? {};
  const name = (d.queryName ?? check.target).replace(/\.$/, '');
  const serverText = d.queryName !== undefined ? check.target : (d.server ?? systemServer());
  const { host, port = 53 } = splitHostPort(serverText);
  const type = d.recordType ?? 'A';
  const phases: Record<string, number> = { resolve: 0, connect: 0, request: 0 };
  ctx.out.phases = phases;
  const publish = (): void => {
    for (const [p, v] of Object.entries(phases)) ctx.out.set('probe_dns_duration_seconds', v, { phase: p });
  };
  publish();
  ctx.out.set('probe_dns_query_succeeded', 0);
  const addr = await resolveHost(host, ctx);
  phases.resolve = addr.seconds;
  const id = randomInt(0, 65536);
  const query = dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: 'IN' }],
  });
  const socket = createSocket(addr.family === 6 ? 'udp6' : 'udp4');
  const onAbort = (): void => {
    socket.close();
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let answer: dnsPacket.DecodedPacket & { rcode?: string };
  try {
    let mark = performance.now();
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, addr.address, () => void resolve());
    });
    phases.connect = (performance.now() - mark) / 1000;
    mark = performance.now();
    answer = await new Promise((resolve, reject) => {
      socket.on('message', (msg: Buffer) => {
        if (msg.length > DNS_PAYLOAD_LIMIT) return;
        try {
          const p = dnsPacket.decode(msg);
          if (p.id === id && p.type === 'response') resolve(p);
        } catch {
          // not a DNS answer: keep waiting for the real one until the timeout
        }
      });
      socket.once('error', reject);
      socket.send(query, (err) => (err ? reject(err) : undefined));
    });
    phases.request = (performance.now() - mark) / 1000;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    publish();
    try {
      socket.close();
    } catch {
      // already closed by the abort
    }
  }
  const answers = answer.answers ?? [];
  ctx.out.set('probe_dns_answer_rrs', answers.length);
  ctx.out.set('probe_dns_authority_rrs', answer.authorities?.length ?? 0);
  ctx.out.set('probe_dns_additional_rrs', answer.additionals?.length ?? 0);
  ctx.out.set('probe_dns_query_succeeded', 1);
  const soa = [...answers, ...(answer.authorities ?? [])].find((a) => a.type === 'SOA');
  if (soa !== undefined) ctx.out.set('probe_dns_serial', (soa.data as dnsPacket.SoaData).serial ?? 0);
  const rcode = answer.rcode ?? 'NOERROR';
  if (rcode !== 'NOERROR') {
    ctx.out.fail(`the server answered ${rcode}`);
    return;
  }
  if (d.expect !== undefined) {
    const re = new RegExp(d.expect);
    const texts = answers.map(formatRecord);
    if (!texts.some((t) => re.test(t))) {
      ctx.out.set('probe_failed_due_to_regex', 1);
      ctx.out.fail(
        `no answer record matches /${d.expect}/ (got ${texts.length === 0 ? 'none' : texts.join('; ')})`,
      );
      return;
    }
    ctx.out.set('probe_failed_due_to_regex', 0);
  }
}

/** systemServer is the first resolver the system is configured with (/etc/resolv.conf). */
function systemServer(): string {
  const s = getServers()[0];
  if (s === undefined) throw new Error('no DNS server given and none configured on this system');
  return s.includes(':') && !s.startsWith('[') && s.split(':').length > 2 ? `[${s}]` : s;
}

/** formatRecord writes an answer record as Go's miekg/dns RR.String() does, for the answer regex. */
export function formatRecord(a: dnsPacket.Answer): string {
  const head = `${a.name.replace(/\.$/, '')}.\t${'ttl' in a ? (a.ttl ?? 0) : 0}\tIN\t${a.type}\t`;
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return head + a.data;
    case 'CNAME':
    case 'NS':
    case 'PTR':
    case 'DNAME':
      return `${head}${a.data.replace(/\.$/, '')}.`;
    case 'MX':
      return `${head}${a.data.preference} ${a.data.exchange.replace(/\.$/, '')}.`;
    case 'TXT': {
      const parts = Array.isArray(a.data) ? a.data : [a.data];
      return head + parts.map((p) => JSON.stringify(p.toString())).join(' ');
    }
    case 'SOA': {
      const s = a.data;
      return `${head}${s.mname}. ${s.rname}. ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
    }
    default:
      return head;
  }
}
