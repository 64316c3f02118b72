import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../config/load';
import { parseProbeCheck } from './check';
import { checksFromConfig, configCheckId } from './from-config';

test('config probe jobs expand to one valid check per target with the module options and labels', () => {
  const cfg = parseConfig(
    `probes:
  modules:
    web:
      prober: http
      timeout: 20s
      http: { no_follow_redirects: true, fail_if_body_not_matches_regexp: [ok], valid_status_codes: [200] }
    dns_a:
      prober: dns
      dns: { query_name: web.lab, validate_answer_rrs: { fail_if_not_matches_regexp: ["10\\\\.0"] } }
  jobs:
    - job_name: site
      module: web
      scrape_interval: 1m
      scrape_timeout: 5s
      static_configs: [{ targets: ["https://web.lab/"], labels: { team: infra } }]
    - job_name: resolvers
      module: dns_a
      static_configs: [{ targets: ["10.0.0.53"] }]
`,
    'vigie.yml',
  );
  const checks = checksFromConfig(cfg.probes);
  assert.equal(checks.length, 2);
  const [site, dns] = checks;
  assert.equal(site!.job, 'site');
  assert.deepEqual(site!.check, {
    id: configCheckId('site', 'https://web.lab/'),
    name: 'https://web.lab/',
    target: 'https://web.lab/',
    interval: '1m',
    timeout: '5s', // the module's 20s capped by the job's scrape_timeout
    type: 'http',
    http: {
      method: 'GET',
      validStatusCodes: [200],
      bodyRegexes: ['ok'],
      followRedirects: false,
      tlsSkipVerify: false,
    },
    labels: { team: 'infra' },
    source: 'config',
  });
  assert.deepEqual(dns!.check.dns, { queryName: 'web.lab', recordType: 'A', expect: '10\\.0' });
  for (const c of checks) parseProbeCheck(c.check); // what the config makes, the UI's validation accepts
});

test('configCheckId is a stable, readable, unique slug', () => {
  const id = configCheckId('site', 'https://Web.lab:8443/health?x=1');
  assert.match(id, /^site-web-lab-8443-health-x-1-[0-9a-f]{6}$/);
  assert.equal(configCheckId('site', 'https://Web.lab:8443/health?x=1'), id);
  assert.notEqual(configCheckId('site', 'https://web.lab:8443/health?x=1'), id);
  assert.ok(configCheckId('j', 'x'.repeat(300)).length <= 64);
});
