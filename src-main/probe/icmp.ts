import { spawn } from 'node:child_process';
import type { ProbeCheck } from './api';
import { resolveHost, type ProbeContext } from './util';

/** ICMP_PACKETS is how many echo requests one check sends, 200 ms apart, so loss is measured per run. */
export const ICMP_PACKETS = 3;

/** PingOutput is what ping printed: replies (rtt in ms, ttl) and the summary's counts. */
export interface PingOutput {
  replies: { rttMs: number; ttl: number }[];
  transmitted: number;
  received: number;
}

const REPLY_RE = /^\d+ bytes from .*?ttl=(\d+) time=([\d.]+) ms/;
const SUMMARY_RE = /^(\d+) packets transmitted, (\d+) (?:packets )?received/;

/** parsePing reads iputils ping's output (run with -n, so no name lookups for replies). */
export function parsePing(text: string): PingOutput {
  const out: PingOutput = { replies: [], transmitted: 0, received: 0 };
  for (const line of text.split('\n')) {
    const r = REPLY_RE.exec(line);
    if (r !== null) out.replies.push({ ttl: Number(r[1]), rttMs: Number(r[2]) });
    const s = SUMMARY_RE.exec(line);
    if (s !== null) {
      out.transmitted = Number(s[1]);
      out.received = Number(s[2]);
    }
  }
  if (out.transmitted === 0) out.received = out.replies.length;
  return out;
}

/**
 * probeIcmp pings the target with the system's `ping` (iputils; it holds the capability for ICMP
 * sockets, so Vigie needs no raw socket nor root). The address is resolved here first so the resolve phase
 * is timed as in blackbox_exporter. Success: at least one reply. RTT is the mean of the replies.
 */
export async function probeIcmp(check: ProbeCheck, ctx: ProbeContext, timeoutMs: number): Promise<void> {
  const addr = await resolveHost(check.target, ctx);
  const phases: Record<string, number> = { resolve: addr.seconds, rtt: 0 };
  ctx.out.phases = phases;
  ctx.out.set('probe_icmp_duration_seconds', addr.seconds, { phase: 'resolve' });
  ctx.out.set('probe_icmp_duration_seconds', 0, { phase: 'rtt' });
  // ping is interrupted (SIGINT: it prints its summary) a little before the check's timeout, so a host that
  // answers some echoes and not others reports its loss instead of a bare timeout.
  const budgetMs = Math.max(timeoutMs * 0.8, timeoutMs - 200);
  const args = [
    '-n',
    `-${addr.family}`,
    '-c',
    String(ICMP_PACKETS),
    '-i',
    '0.2',
    '-W',
    (budgetMs / 1000).toFixed(3),
    addr.address,
  ];
  const text = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const p = spawn('ping', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: ctx.signal,
      killSignal: 'SIGKILL',
    });
    const interrupt = setTimeout(() => p.kill('SIGINT'), budgetMs);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('error', (e) => {
      clearTimeout(interrupt);
      reject(e);
    });
    p.on('close', () => {
      clearTimeout(interrupt);
      resolve({ stdout, stderr });
    });
  });
  const r = parsePing(text.stdout);
  const sent = r.transmitted || ICMP_PACKETS;
  ctx.out.set('probe_icmp_packets_sent', sent);
  ctx.out.set('probe_icmp_packets_received', r.received);
  ctx.out.set('probe_icmp_packet_loss_ratio', sent > 0 ? 1 - r.received / sent : 1);
  if (r.replies.length === 0) {
    const why = text.stderr.trim().split('\n')[0];
    ctx.out.fail(why ? `ping: ${why}` : `no reply to ${sent} echo requests`);
    return;
  }
  const rtt = r.replies.reduce((a, x) => a + x.rttMs, 0) / r.replies.length / 1000;
  phases.rtt = rtt;
  ctx.out.set('probe_icmp_duration_seconds', rtt, { phase: 'rtt' });
  ctx.out.set('probe_icmp_reply_hop_limit', r.replies[r.replies.length - 1]!.ttl);
}
