import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, defaultConfig, parseConfig } from './load';

const good = `
global:
  scrape_interval: 15s
probes:
  max_concurrency: 10
  modules:
    web_ok:
      prober: http
      timeout: 3s
      http:
        valid_status_codes: [200, 204]
        method: GET
        fail_if_body_not_matches_regexp: ["ok"]
        no_follow_redirects: true
        tls_config:
          insecure_skip_verify: true
    lab_dns:
      prober: dns
      dns:
        query_name: web.lab
        query_type: A
        validate_answer_rrs:
          fail_if_not_matches_regexp: ["10\\\\.0\\\\."]
  jobs:
    - job_name: web
      module: web_ok
      scrape_interval: 30s
      static_configs:
        - targets: [https://web.lab/health]
          labels: { team: infra }
    - job_name: ping
      module: icmp
      static_configs:
        - targets: [10.0.0.1, router.lab]
    - job_name: dns
      module: lab_dns
      static_configs:
        - targets: ["10.0.0.53:5353"]
`;

test('the probes section reads blackbox modules and probe jobs, with built-in modules and global timing', () => {
  const c = parseConfig(good, 'vigie.yml').probes;
  assert.equal(c.max_concurrency, 10);
  assert.equal(c.body_size_limit, 1024 * 1024);
  assert.deepEqual(c.modules.web_ok!.http, {
    valid_status_codes: [200, 204],
    method: 'GET',
    fail_if_body_not_matches_regexp: ['ok'],
    no_follow_redirects: true,
    tls_config: { insecure_skip_verify: true },
  });
  assert.equal(c.modules.web_ok!.timeout, 3000);
  assert.equal(c.modules.lab_dns!.dns.query_name, 'web.lab');
  assert.equal(c.modules.icmp!.prober, 'icmp', 'built-in module');
  assert.deepEqual(
    c.jobs.map((j) => [j.job_name, j.scrape_interval, j.scrape_timeout]),
    [
      ['web', 30_000, 10_000],
      ['ping', 15_000, 10_000],
      ['dns', 15_000, 10_000],
    ],
  );
  assert.deepEqual(c.jobs[0]!.static_configs[0], {
    targets: ['https://web.lab/health'],
    labels: { team: 'infra' },
  });
  assert.deepEqual(defaultConfig().probes.jobs, []);
});

function problems(text: string): string[] {
  try {
    parseConfig(text, 'vigie.yml');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems.map((p) => `${p.line}:${p.path}: ${p.message}`);
  }
  assert.fail('no error');
}

test('probe config errors name file line and key: unknown module, bad target, bad regex, timeouts, unsupported keys', () => {
  const text = `probes:
  modules:
    m:
      prober: http
      http:
        fail_if_body_not_matches_regexp: ["("]
        headers: { a: b }
    d:
      prober: dns
    x:
      prober: smtp
  jobs:
    - job_name: a
      module: nope
    - job_name: b
      module: tcp_connect
      scrape_interval: 5s
      scrape_timeout: 10s
      static_configs:
        - targets: [no-port]
    - job_name: b
      module: m
      static_configs:
        - targets: [ftp://x]
`;
  const p = problems(text);
  assert.ok(
    p.includes('6:probes.modules.m.http.fail_if_body_not_matches_regexp[0]: invalid regular expression'),
    p.join('\n'),
  );
  assert.ok(p.includes('7:probes.modules.m.http.headers: not supported by Vigie (yet)'), p.join('\n'));
  assert.ok(
    p.some((x) => x.startsWith('11:probes.modules.x.prober: must be one of "http", "tcp", "icmp", "dns"')),
    p.join('\n'),
  );
  // Cross-field checks run once the shapes are right: fix the shape errors and look again.
  const p2 = problems(
    text.replace('["("]', '["ok"]').replace('        headers: { a: b }\n', '').replace('smtp', 'icmp'),
  );
  assert.deepEqual(p2, [
    '8:probes.modules.d.prober: a dns module needs dns.query_name',
    '13:probes.jobs[0].module: unknown module "nope" (known: d, http_2xx, icmp, m, tcp_connect, tls_connect, x)',
    '17:probes.jobs[1].scrape_timeout: scrape_timeout (10s) greater than scrape_interval (5s) for probe job "b"',
    '19:probes.jobs[1].static_configs[0].targets[0]: "no-port" is not host:port',
    '20:probes.jobs[2].job_name: found multiple probe jobs named "b" (first at probes.jobs[1])',
    '23:probes.jobs[2].static_configs[0].targets[0]: "ftp://x" is not an http:// or https:// URL',
  ]);
});

test('the default pack takes settings for the probe rules', () => {
  const c = parseConfig(
    'rules:\n  default_pack:\n    certificate_expiring: { warn: 30, critical: 7 }\n',
    'vigie.yml',
  );
  assert.deepEqual(c.rules.default_pack.settings.certificate_expiring, { warn: 30, critical: 7 });
});
