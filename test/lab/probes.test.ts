import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCert } from '../support/probe-servers';
import { Lab, labSkipReason } from './netns';
import { eventually, labHttp, tempDir, VIGIE_PORT, vigieUrl } from './support';

const skip = labSkipReason();

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}
interface ProbeStatusJson {
  check: { id: string; target: string; source: string };
  last?: { success: boolean; error?: string; certExpiry?: number };
}

test(
  'lab: probes run by vigie serve against real servers in namespaces — HTTPS certificate expiry and verify errors, a redirect, a server that never answers, a DNS answer, a host that stops answering pings, a UI check, and the certificate alert',
  { skip, timeout: 180_000 },
  async (t) => {
    const lab = Lab.create(2);
    const dir = tempDir('probes');
    t.after(async () => {
      await lab.teardown();
      dir.remove();
    });
    const [web, pinged] = lab.hosts as [(typeof lab.hosts)[0], (typeof lab.hosts)[0]];
    const cert = makeCert(dir.dir, 'web.lab', 2);
    const servers = lab.node(web, [
      'test/lab/fixtures/probe-servers.ts',
      web.ip,
      join(dir.dir, 'web.lab.crt'),
      join(dir.dir, 'web.lab.key'),
      String(cert.notAfter),
    ]);
    await servers.waitFor(/probe servers ready/);

    const config = join(dir.dir, 'vigie.yml');
    writeFileSync(
      config,
      `global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
probes:
  modules:
    https_insecure:
      prober: http
      http: { tls_config: { insecure_skip_verify: true }, fail_if_body_not_matches_regexp: ["vigie ok"] }
    lab_dns:
      prober: dns
      dns:
        query_name: web.lab
        query_type: A
        validate_answer_rrs: { fail_if_not_matches_regexp: ["IN\\\\tA\\\\t${web.ip}$"] }
  jobs:
    - job_name: web
      module: https_insecure
      static_configs: [{ targets: ["https://${web.ip}:8443/ok"] }]
    - job_name: web_strict
      module: http_2xx
      static_configs: [{ targets: ["https://${web.ip}:8443/ok"] }]
    - job_name: redirect
      module: http_2xx
      static_configs: [{ targets: ["http://${web.ip}:8080/redirect"] }]
    - job_name: hang
      module: http_2xx
      scrape_timeout: 500ms
      static_configs: [{ targets: ["http://${web.ip}:8080/hang"] }]
    - job_name: dns
      module: lab_dns
      static_configs: [{ targets: ["${web.ip}:5353"] }]
    - job_name: ping
      module: icmp
      static_configs: [{ targets: ["${pinged.ip}"] }]
`,
    );
    const vigie = lab.spawn(lab.hub, process.execPath, [
      'bin/vigie.js',
      'serve',
      '--listen',
      `0.0.0.0:${VIGIE_PORT}`,
      '--data',
      join(dir.dir, 'data'),
      '--config',
      config,
      '--no-local-agent',
      '--no-mdns',
    ]);
    await vigie.waitFor(/Vigie is running at/, 30_000);

    const query = async (q: string): Promise<Sample[]> => {
      const r = await labHttp(lab.hub, vigieUrl(`/api/v1/query?query=${encodeURIComponent(q)}`));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return (r.body as { data: { result: Sample[] } }).data.result;
    };
    const value = async (q: string): Promise<number | undefined> => {
      const s = (await query(q))[0];
      return s === undefined ? undefined : Number(s.value[1]);
    };
    const until = (what: string, q: string, want: (v: number) => boolean): Promise<number> =>
      eventually(what, async () => {
        const v = await value(q);
        return v !== undefined && want(v) ? v : undefined;
      });
    const checks = async (): Promise<ProbeStatusJson[]> =>
      ((await labHttp(lab.hub, vigieUrl('/api/vigie/probes'))).body as { data: ProbeStatusJson[] }).data;

    // HTTPS with verification skipped: success, the certificate's expiry (two days out) and the TLS version.
    await until('the https check up', 'probe_success{job="web"}', (v) => v === 1);
    assert.equal(await value('probe_ssl_earliest_cert_expiry{job="web"}'), cert.notAfter);
    assert.equal(await value('probe_http_ssl{job="web"}'), 1);
    const [tls] = await query('probe_tls_version_info{job="web"}');
    assert.equal(tls?.metric.version, 'TLS 1.3');
    const [phase] = await query('probe_http_duration_seconds{job="web",phase="tls"}');
    assert.ok(Number(phase!.value[1]) > 0);
    const [s] = await query('probe_success{job="web"}');
    assert.deepEqual(
      { job: s!.metric.job, instance: s!.metric.instance },
      { job: 'web', instance: `https://${web.ip}:8443/ok` },
    );
    assert.match(s!.metric.check!, /^web-/);

    // The same server verified: fails on the self-signed chain, and still reports the expiry.
    await until('the strict https check down', 'probe_success{job="web_strict"}', (v) => v === 0);
    assert.equal(await value('probe_ssl_earliest_cert_expiry{job="web_strict"}'), cert.notAfter);
    const strict = (await checks()).find(
      (c) => c.check.target === `https://${web.ip}:8443/ok` && c.last?.success === false,
    );
    assert.match(strict?.last?.error ?? '', /certificate verify failed: self-signed certificate/);

    // A redirect followed to a 200; a request never answered fails at its 500 ms timeout.
    await until('the redirect check up', 'probe_success{job="redirect"}', (v) => v === 1);
    assert.equal(await value('probe_http_redirects{job="redirect"}'), 1);
    assert.equal(await value('probe_http_status_code{job="redirect"}'), 200);
    await until('the hanging check down', 'probe_success{job="hang"}', (v) => v === 0);
    const hang = await value('probe_duration_seconds{job="hang"}');
    assert.ok(hang! >= 0.5 && hang! < 1, `hanging check took ${hang} s`);
    assert.match(
      (await checks()).find((c) => c.check.target.endsWith('/hang'))?.last?.error ?? '',
      /timeout after 0.5s/,
    );

    // DNS: the lab resolver's A record matches the module's regex.
    await until('the dns check up', 'probe_success{job="dns"}', (v) => v === 1).catch(async (e: Error) => {
      throw new Error(
        `${e.message}: ${JSON.stringify((await checks()).find((c) => c.check.target.endsWith(':5353')))}`,
      );
    });
    assert.equal(await value('probe_dns_answer_rrs{job="dns"}'), 1);

    // ICMP: the host answers, then ignores echo requests.
    await until('the ping check up', 'probe_success{job="ping"}', (v) => v === 1);
    assert.ok((await value('probe_icmp_duration_seconds{job="ping",phase="rtt"}'))! > 0);
    assert.equal(await value('probe_icmp_reply_hop_limit{job="ping"}'), 64);
    lab.exec(pinged, 'sysctl', ['-w', 'net.ipv4.icmp_echo_ignore_all=1']);
    await until('the ping check down', 'probe_success{job="ping"}', (v) => v === 0);
    assert.equal(await value('probe_icmp_packet_loss_ratio{job="ping"}'), 1);

    // A check made through the API runs too (job "probes") and is listed as a UI check.
    const put = await labHttp(
      lab.hub,
      vigieUrl('/api/vigie/probes/web-tcp'),
      'PUT',
      JSON.stringify({
        name: 'web tcp',
        type: 'tcp',
        target: `${web.ip}:8080`,
        interval: '1s',
        timeout: '1s',
      }),
    );
    assert.equal(put.status, 200, JSON.stringify(put.body));
    await until('the UI check up', 'probe_success{job="probes",check="web-tcp"}', (v) => v === 1);
    assert.equal((await checks()).find((c) => c.check.id === 'web-tcp')?.check.source, 'ui');

    // The default rule pack turns the two-day certificate into a critical CertificateExpiring alert.
    await eventually('the certificate alert firing', async () => {
      const r = await labHttp(lab.hub, vigieUrl('/api/v1/alerts'));
      const alerts = (r.body as { data: { alerts: { labels: Record<string, string>; state: string }[] } })
        .data.alerts;
      return alerts.find(
        (a) =>
          a.labels.alertname === 'CertificateExpiring' &&
          a.labels.severity === 'critical' &&
          a.labels.job === 'web' &&
          a.state === 'firing',
      );
    });
    assert.equal(vigie.proc.exitCode, null);
  },
);
