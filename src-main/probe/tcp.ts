import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ProbeCheck } from './api';
import { splitHostPort } from './check';
import { recordTls, resolveHost, type ProbeContext } from './util';

/**
 * probeTcp opens a TCP connection to host:port and, with tcp.tls, completes a TLS handshake on it (the
 * certificate's expiry is recorded; verification fails the check unless tlsSkipVerify). The connection is
 * closed at once: the check asks "does it accept connections", as blackbox_exporter's tcp_connect module.
 */
export async function probeTcp(check: ProbeCheck, ctx: ProbeContext): Promise<void> {
  const { host, port } = splitHostPort(check.target);
  const phases: Record<string, number> = { resolve: 0, connect: 0, tls: 0 };
  ctx.out.phases = phases;
  const addr = await resolveHost(host, ctx);
  phases.resolve = addr.seconds;
  let mark = performance.now();
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = netConnect({ host: addr.address, port: port!, family: addr.family });
    const onAbort = (): void => {
      s.destroy(ctx.signal.reason as Error);
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    s.once('connect', () => void resolve(s));
    s.once('error', reject);
    s.once('close', () => ctx.signal.removeEventListener('abort', onAbort));
  });
  phases.connect = (performance.now() - mark) / 1000;
  if (check.tcp?.tls !== true) {
    socket.destroy();
    return;
  }
  mark = performance.now();
  try {
    const verifyError = await new Promise<string | undefined>((resolve, reject) => {
      const t = tlsConnect({
        socket,
        servername: isIP(host.replace(/^\[|\]$/g, '')) === 0 ? host : undefined,
        rejectUnauthorized: false,
      });
      t.once('secureConnect', () => {
        const err = recordTls(t, ctx);
        t.destroy();
        resolve(err);
      });
      t.once('error', reject);
    });
    phases.tls = (performance.now() - mark) / 1000;
    if (verifyError !== undefined && check.tcp.tlsSkipVerify !== true) ctx.out.fail(verifyError);
  } finally {
    socket.destroy();
  }
}
