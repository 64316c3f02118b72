import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  makeCert,
  startProbeServers,
  type RunningServers,
  type TestCert,
} from '../../test/support/probe-servers';
import type { ProbeCheck, ProbeResult } from './api';
import { runProbe } from './run';

let servers: RunningServers;
let cert: TestCert;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-probe-'));
  cert = makeCert(dir, 'localhost', 2);
  servers = await startProbeServers('127.0.0.1', {
    cert,
    zone: { 'web.lab': ['10.0.0.5', '10.0.0.6'], 'silent.lab': null },
  });
});
after(async () => {
  await servers.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (c: Partial<ProbeCheck> & Pick<ProbeCheck, 'type' | 'target'>): Promise<ProbeResult> =>
  runProbe({ id: 't', name: 't', timeout: '2s', ...c }, { bodySizeLimit: 1 << 20 });

function metric(r: ProbeResult, name: string, labels: Record<string, string> = {}): number | undefined {
  return r.metrics.find((m) => m.name === name && JSON.stringify(m.labels) === JSON.stringify(labels))?.value;
}

test('http: a 200 with a matching body succeeds with every phase, status and blackbox series', async () => {
  const r = await run({
    type: 'http',
    target: `http://127.0.0.1:${servers.httpPort}/ok`,
    http: { bodyRegex: 'vigie ok' },
  });
  assert.equal(r.success, true, r.error);
  assert.equal(r.httpStatus, 200);
  assert.equal(metric(r, 'probe_success'), 1);
  assert.equal(metric(r, 'probe_http_status_code'), 200);
  assert.equal(metric(r, 'probe_http_ssl'), 0);
  assert.equal(metric(r, 'probe_failed_due_to_regex'), 0);
  assert.equal(metric(r, 'probe_http_uncompressed_body_length'), 9);
  assert.equal(metric(r, 'probe_http_content_length'), -1); // chunked: unknown, as Go reports it
  for (const phase of ['resolve', 'connect', 'tls', 'processing', 'transfer'])
    assert.ok(metric(r, 'probe_http_duration_seconds', { phase }) !== undefined, phase);
  assert.ok(r.phases!.connect! > 0 && r.phases!.processing! > 0);
  assert.ok(metric(r, 'probe_duration_seconds')! >= r.phases!.connect!);
});

test('http: a body regex that does not match fails with probe_failed_due_to_regex 1', async () => {
  const r = await run({
    type: 'http',
    target: `http://127.0.0.1:${servers.httpPort}/ok`,
    http: { bodyRegex: '^nope' },
  });
  assert.equal(r.success, false);
  assert.match(r.error!, /body does not match/);
  assert.equal(metric(r, 'probe_failed_due_to_regex'), 1);
});

test('http: redirects are followed and counted, or not followed on request', async () => {
  const target = `http://127.0.0.1:${servers.httpPort}/redirect`;
  const followed = await run({ type: 'http', target });
  assert.equal(followed.success, true, followed.error);
  assert.equal(metric(followed, 'probe_http_redirects'), 1);
  assert.equal(followed.httpStatus, 200);
  const kept = await run({ type: 'http', target, http: { followRedirects: false } });
  assert.equal(kept.success, false);
  assert.equal(kept.httpStatus, 302);
  const accepted = await run({
    type: 'http',
    target,
    http: { followRedirects: false, validStatusCodes: [302] },
  });
  assert.equal(accepted.success, true);
  const loop = await run({ type: 'http', target: `http://127.0.0.1:${servers.httpPort}/loop` });
  assert.match(loop.error!, /stopped after 10 redirects/);
});

test('http: a status outside the valid codes fails', async () => {
  const r = await run({ type: 'http', target: `http://127.0.0.1:${servers.httpPort}/status/503` });
  assert.equal(r.success, false);
  assert.equal(metric(r, 'probe_http_status_code'), 503);
  assert.match(r.error!, /status code 503/);
});

test('http: a server that never answers fails at the timeout, with the phases reached', async () => {
  const started = performance.now();
  const r = await run({
    type: 'http',
    target: `http://127.0.0.1:${servers.httpPort}/hang`,
    timeout: '300ms',
  });
  const took = performance.now() - started;
  assert.equal(r.success, false);
  assert.match(r.error!, /timeout after 0.3s/);
  assert.ok(took < 2000, `returned after ${took} ms`);
  assert.ok(r.phases!.connect! > 0, 'connect phase recorded');
  assert.equal(metric(r, 'probe_http_status_code'), 0);
});

test('https: certificate expiry and TLS version are reported; a self-signed chain fails unless skipped', async () => {
  const target = `https://localhost:${servers.httpsPort}/ok`;
  const strict = await run({ type: 'http', target });
  assert.equal(strict.success, false);
  assert.match(strict.error!, /certificate verify failed: .*self[- ]signed/i);
  assert.equal(strict.certExpiry, cert.notAfter);
  const skip = await run({ type: 'http', target, http: { tlsSkipVerify: true } });
  assert.equal(skip.success, true, skip.error);
  assert.equal(metric(skip, 'probe_ssl_earliest_cert_expiry'), cert.notAfter);
  assert.equal(metric(skip, 'probe_http_ssl'), 1);
  assert.equal(metric(skip, 'probe_tls_version_info', { version: 'TLS 1.3' }), 1);
  assert.ok(skip.phases!.tls! > 0);
  // Two days left: the certificate-expiring rule (14 d warning / 3 d critical) would fire.
  assert.ok(cert.notAfter - Date.now() / 1000 < 3 * 86400);
});

test('tcp: connect succeeds on a listening port, fails on a closed one; TLS handshake reports the cert', async () => {
  const ok = await run({ type: 'tcp', target: `127.0.0.1:${servers.httpPort}` });
  assert.equal(ok.success, true, ok.error);
  const closedPort = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const refused = await run({ type: 'tcp', target: `127.0.0.1:${closedPort}` });
  assert.equal(refused.success, false);
  assert.match(refused.error!, /ECONNREFUSED/);
  const tls = await run({
    type: 'tcp',
    target: `localhost:${servers.httpsPort}`,
    tcp: { tls: true, tlsSkipVerify: true },
  });
  assert.equal(tls.success, true, tls.error);
  assert.equal(tls.certExpiry, cert.notAfter);
});

test('dns: an A query is answered and checked against the expected regex; NXDOMAIN and silence fail', async () => {
  const server = `127.0.0.1:${servers.dnsPort}`;
  const ok = await run({
    type: 'dns',
    target: 'web.lab',
    dns: { server, recordType: 'A', expect: '10\\.0\\.0\\.6$' },
  });
  assert.equal(ok.success, true, ok.error);
  assert.equal(metric(ok, 'probe_dns_answer_rrs'), 2);
  assert.ok(metric(ok, 'probe_dns_duration_seconds', { phase: 'request' })! > 0);
  const wrong = await run({ type: 'dns', target: 'web.lab', dns: { server, expect: '^192\\.' } });
  assert.equal(wrong.success, false);
  assert.match(wrong.error!, /no answer record matches .* web\.lab\.\t60\tIN\tA\t10\.0\.0\.5/);
  const nx = await run({ type: 'dns', target: 'nope.lab', dns: { server } });
  assert.match(nx.error!, /NXDOMAIN/);
  const silent = await run({ type: 'dns', target: 'silent.lab', dns: { server }, timeout: '300ms' });
  assert.match(silent.error!, /timeout/);
  // blackbox form: the target is the server, the name comes from the module.
  const bb = await run({ type: 'dns', target: server, dns: { queryName: 'web.lab' } });
  assert.equal(bb.success, true, bb.error);
});

test('icmp: the loopback answers pings with an RTT and no loss', async () => {
  const r = await run({ type: 'icmp', target: '127.0.0.1' });
  assert.equal(r.success, true, r.error);
  assert.equal(metric(r, 'probe_icmp_packet_loss_ratio'), 0);
  assert.ok(metric(r, 'probe_icmp_duration_seconds', { phase: 'rtt' })! > 0);
  assert.equal(metric(r, 'probe_icmp_reply_hop_limit'), 64);
});
