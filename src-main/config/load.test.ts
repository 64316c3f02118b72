import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { ConfigError, defaultConfig, loadConfig, parseConfig } from './load';

/** errorsOf parses text that must fail and returns its problems as formatted lines. */
function errorsOf(text: string, file = 'vigie.yml'): string[] {
  try {
    parseConfig(text, file);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.message.split('\n');
  }
  assert.fail('expected the config to be refused');
}

const PROMETHEUS_YML = `# my global config
global:
  scrape_interval: 15s # Set the scrape interval to every 15 seconds. Default is every 1 minute.
  evaluation_interval: 15s # Evaluate rules every 15 seconds. The default is every 1 minute.
  # scrape_timeout is set to the global default (10s).
  external_labels:
    monitor: 'codelab-monitor'

# Load rules once and periodically evaluate them according to the global 'evaluation_interval'.
rule_files:
  - "first_rules.yml"
  - "rules/*.yml"

scrape_configs:
  - job_name: "prometheus"
    static_configs:
      - targets: ["localhost:9090"]

  - job_name: node
    scrape_interval: 5s
    scrape_timeout: 3s
    metrics_path: /probe
    scheme: https
    honor_labels: true
    honor_timestamps: false
    sample_limit: 1000
    label_limit: 30
    label_name_length_limit: 200
    label_value_length_limit: 2000
    body_size_limit: 10MB
    params:
      module: [http_2xx]
    static_configs:
      - targets: ['node1:9100', 'node2:9100']
        labels:
          group: 'production'
          port: 9100
    file_sd_configs:
      - files: ['targets/*.json', /etc/prometheus/more.yml]
        refresh_interval: 1m
      - files: [sd.yaml]
`;

test('a realistic prometheus.yml parses unchanged', () => {
  const c = parseConfig(PROMETHEUS_YML, '/etc/prometheus/prometheus.yml');
  assert.deepEqual(c.global, {
    scrape_interval: 15_000,
    scrape_timeout: 10_000,
    evaluation_interval: 15_000,
    external_labels: { monitor: 'codelab-monitor' },
  });
  assert.deepEqual(c.rule_files, ['/etc/prometheus/first_rules.yml', '/etc/prometheus/rules/*.yml']);
  assert.equal(c.scrape_configs.length, 2);
  const [prom, node] = c.scrape_configs;
  assert.deepEqual(prom, {
    job_name: 'prometheus',
    scrape_interval: 15_000,
    scrape_timeout: 10_000,
    metrics_path: '/metrics',
    scheme: 'http',
    params: {},
    honor_labels: false,
    honor_timestamps: true,
    sample_limit: 0,
    label_limit: 0,
    label_name_length_limit: 0,
    label_value_length_limit: 0,
    body_size_limit: 0,
    static_configs: [{ targets: ['localhost:9090'], labels: {} }],
    file_sd_configs: [],
  });
  assert.deepEqual(node, {
    job_name: 'node',
    scrape_interval: 5_000,
    scrape_timeout: 3_000,
    metrics_path: '/probe',
    scheme: 'https',
    params: { module: ['http_2xx'] },
    honor_labels: true,
    honor_timestamps: false,
    sample_limit: 1000,
    label_limit: 30,
    label_name_length_limit: 200,
    label_value_length_limit: 2000,
    body_size_limit: 10 * 1024 * 1024,
    static_configs: [
      { targets: ['node1:9100', 'node2:9100'], labels: { group: 'production', port: '9100' } },
    ],
    file_sd_configs: [
      { files: ['/etc/prometheus/targets/*.json', '/etc/prometheus/more.yml'], refresh_interval: 60_000 },
      { files: ['/etc/prometheus/sd.yaml'], refresh_interval: 300_000 },
    ],
  });
});

test('an empty file, a comment-only file and no file give the defaults', async () => {
  const d = defaultConfig();
  assert.deepEqual(parseConfig('', 'vigie.yml'), d);
  assert.deepEqual(parseConfig('# nothing here\n', 'vigie.yml'), d);
  assert.deepEqual(await loadConfig(), d);
  assert.deepEqual(d.global, {
    scrape_interval: 10_000,
    scrape_timeout: 10_000,
    evaluation_interval: 10_000,
    external_labels: {},
  });
  assert.deepEqual(d.scrape_configs, []);
  assert.deepEqual(d.storage, {
    retention: 30 * 86_400_000,
    flush_interval: 1_000,
    block_cache_size: 128 * 1024 * 1024,
    memory_limit: 64 * 1024 * 1024,
    checkpoint_threshold: 2 * 1024 * 1024,
  });
  assert.deepEqual(d.discovery, {
    mdns: {
      enabled: true,
      interfaces: [],
      query_interval: 10_000,
      expire_after: 35_000,
      browse_exporters: true,
    },
  });
  assert.deepEqual(d.web, { listen: '127.0.0.1:9742' });
  assert.deepEqual(d.query, {
    timeout: 120_000,
    max_samples: 50_000_000,
    lookback_delta: 300_000,
    max_series: 0,
    columnar_max_cells: 10_000_000,
  });
  assert.deepEqual(d.local_agent, { enabled: true, disabled_collectors: [], container_sockets: [] });
});

test('empty sections mean defaults, as in Prometheus', () => {
  assert.deepEqual(parseConfig('global:\nscrape_configs:\nstorage:\n', 'v.yml'), defaultConfig());
});

test('per-job values inherit from global; the timeout is capped to a shorter interval', () => {
  const c = parseConfig(
    `global:
  scrape_interval: 30s
  scrape_timeout: 20s
scrape_configs:
  - job_name: inherits
  - job_name: short
    scrape_interval: 5s
  - job_name: own
    scrape_interval: 1m
    scrape_timeout: 45s
`,
    'v.yml',
  );
  const byJob = Object.fromEntries(
    c.scrape_configs.map((s) => [s.job_name, [s.scrape_interval, s.scrape_timeout]]),
  );
  assert.deepEqual(byJob, { inherits: [30_000, 20_000], short: [5_000, 5_000], own: [60_000, 45_000] });
  // A global interval shorter than the default timeout caps the default timeout.
  const fast = parseConfig('global:\n  scrape_interval: 2s\n', 'v.yml');
  assert.equal(fast.global.scrape_timeout, 2_000);
});

test('Vigie sections are read', () => {
  const c = parseConfig(
    `storage: {path: data, retention: 30d, flush_interval: 1m, block_cache_size: 256MiB}
discovery:
  mdns: {enabled: false, interfaces: [eth0], query_interval: 2s, expire_after: 7s, browse_exporters: false}
  enrollment_token_file: secrets/enroll.token
web: {listen: "0.0.0.0:9000"}
query: {timeout: 30s, max_samples: 1000, lookback_delta: 1m, max_series: 10}
local_agent: {enabled: false, disabled_collectors: [hwmon], systemd_unit_include: 'ssh.*', container_sockets: [/run/x.sock]}
`,
    '/srv/vigie/vigie.yml',
  );
  assert.deepEqual(c.storage, {
    path: '/srv/vigie/data',
    retention: 30 * 86_400_000,
    flush_interval: 60_000,
    block_cache_size: 256 * 1024 * 1024,
    memory_limit: 64 * 1024 * 1024,
    checkpoint_threshold: 2 * 1024 * 1024,
  });
  assert.deepEqual(c.discovery, {
    mdns: {
      enabled: false,
      interfaces: ['eth0'],
      query_interval: 2_000,
      expire_after: 7_000,
      browse_exporters: false,
    },
    enrollment_token_file: '/srv/vigie/secrets/enroll.token',
  });
  assert.equal(c.web.listen, '0.0.0.0:9000');
  assert.deepEqual(c.query, {
    timeout: 30_000,
    max_samples: 1000,
    lookback_delta: 60_000,
    max_series: 10,
    columnar_max_cells: 10_000_000,
  });
  assert.deepEqual(c.local_agent, {
    enabled: false,
    disabled_collectors: ['hwmon'],
    systemd_unit_include: 'ssh.*',
    container_sockets: ['/run/x.sock'],
  });
});

test('a bad systemd unit regex is refused at its key', () => {
  assert.throws(
    () => parseConfig('local_agent:\n  systemd_unit_include: "(ssh"\n', 'v.yml'),
    /v\.yml:2:\d+: local_agent\.systemd_unit_include: not a valid regular expression/,
  );
});

test('an mDNS expiry not above the query interval is refused at its key', () => {
  assert.throws(
    () => parseConfig('discovery:\n  mdns:\n    query_interval: 30s\n    expire_after: 20s\n', 'v.yml'),
    /v\.yml:4:\d+: discovery\.mdns\.expire_after: expire_after \(20s\) must be longer than query_interval \(30s\)/,
  );
});

test('an invalid duration is reported at its key with file:line:col and path', () => {
  const text = [
    'global:',
    '  scrape_interval: 15s',
    'scrape_configs:',
    '  - job_name: a',
    '    scrape_interval: 10x',
  ].join('\n');
  assert.deepEqual(errorsOf(text), [
    'vigie.yml:5:5: scrape_configs[0].scrape_interval: invalid duration "10x"',
  ]);
  assert.deepEqual(errorsOf('global:\n  scrape_interval: 10\n'), [
    'vigie.yml:2:3: global.scrape_interval: invalid duration "10"',
  ]);
});

test('every problem is listed, sorted by position', () => {
  const text = `global:
  external_labels:
    "bad-name": x
scrape_configs:
  - job_name: a
    bogus: 1
    scheme: ftp
    sample_limit: -1
    body_size_limit: 10XB
    honor_labels: "yes"
  - scrape_interval: 5s
  - null
  - job_name: b
    static_configs: {targets: [x]}
`;
  assert.deepEqual(errorsOf(text), [
    'vigie.yml:3:5: global.external_labels.bad-name: invalid label name (must match [a-zA-Z_][a-zA-Z0-9_]*)',
    'vigie.yml:6:5: scrape_configs[0].bogus: unknown key "bogus"',
    'vigie.yml:7:5: scrape_configs[0].scheme: must be one of "http", "https", got "ftp"',
    'vigie.yml:8:5: scrape_configs[0].sample_limit: must be ≥ 0, got -1',
    'vigie.yml:9:5: scrape_configs[0].body_size_limit: invalid size "10XB" (use a number with a unit: B, KB, MB, GB, TB, KiB, MiB...)',
    'vigie.yml:10:5: scrape_configs[0].honor_labels: expected a boolean, got "yes"',
    'vigie.yml:11:5: scrape_configs[1].job_name: is required',
    'vigie.yml:12:5: scrape_configs[2]: expected a mapping, got an empty value',
    'vigie.yml:14:5: scrape_configs[3].static_configs: expected a list, got a mapping',
  ]);
});

test('Prometheus features Vigie lacks are named as such, at their line', () => {
  const text = `alerting:
  alertmanagers: []
scrape_configs:
  - job_name: k
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs: []
remote_write:
  - url: http://x
storage:
  tsdb: {}
`;
  assert.deepEqual(errorsOf(text), [
    'vigie.yml:2:3: alerting.alertmanagers: not supported by Vigie (yet)',
    'vigie.yml:5:5: scrape_configs[0].kubernetes_sd_configs: not supported by Vigie (yet)',
    'vigie.yml:6:5: scrape_configs[0].relabel_configs: not supported by Vigie (yet)',
    'vigie.yml:7:1: remote_write: not supported by Vigie (yet)',
    'vigie.yml:10:3: storage.tsdb: not supported by Vigie (yet)',
  ]);
  assert.deepEqual(errorsOf('nonsense: 1\n'), ['vigie.yml:1:1: nonsense: unknown key "nonsense"']);
});

test('checks across fields: timeouts, duplicate jobs, targets', () => {
  const text = `global:
  scrape_interval: 10s
  scrape_timeout: 20s
scrape_configs:
  - job_name: a
    scrape_interval: 5s
    scrape_timeout: 6s
  - job_name: a
    static_configs:
      - targets: ['ok:1', 'http://bad:2/metrics']
`;
  assert.deepEqual(errorsOf(text), [
    'vigie.yml:3:3: global.scrape_timeout: global scrape_timeout (20s) greater than scrape_interval (10s)',
    'vigie.yml:7:5: scrape_configs[0].scrape_timeout: scrape_timeout (6s) greater than scrape_interval (5s) for job "a"',
    'vigie.yml:8:5: scrape_configs[1].job_name: found multiple scrape configs with job name "a" (first at scrape_configs[0])',
    'vigie.yml:10:27: scrape_configs[1].static_configs[0].targets[1]: "http://bad:2/metrics" is not a valid hostname',
  ]);
});

test('file_sd and web values are validated', () => {
  assert.deepEqual(
    errorsOf('scrape_configs:\n  - job_name: f\n    file_sd_configs:\n      - files: [targets.txt]\n'),
    [
      'vigie.yml:4:17: scrape_configs[0].file_sd_configs[0].files[0]: path is not valid for file discovery (must end in .json, .yml or .yaml)',
    ],
  );
  assert.deepEqual(errorsOf('web:\n  listen: localhost\n'), [
    'vigie.yml:2:3: web.listen: listen must be host:port, e.g. "127.0.0.1:9742"',
  ]);
});

test('YAML syntax errors and duplicate keys carry their position', () => {
  assert.deepEqual(errorsOf('global:\n  scrape_interval: 1s\n  scrape_interval: 2s\n'), [
    'vigie.yml:3:3: Map keys must be unique',
  ]);
  const [syntax] = errorsOf('scrape_configs:\n  - job_name: [a\n');
  assert.match(syntax!, /^vigie\.yml:\d+:\d+: /);
  assert.deepEqual(errorsOf('- just\n- a list\n'), ['vigie.yml:1:1: expected a mapping, got a list']);
});

test('loadConfig reads a file and names it in errors', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-config-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const good = join(dir, 'vigie.yml');
  await writeFile(good, 'rule_files: [alerts.yml]\n');
  assert.deepEqual((await loadConfig(good)).rule_files, [join(dir, 'alerts.yml')]);
  const bad = join(dir, 'bad.yml');
  await writeFile(bad, 'global:\n  scrape_interval: soon\n');
  await assert.rejects(loadConfig(bad), {
    name: 'ConfigError',
    message: `${bad}:2:3: global.scrape_interval: invalid duration "soon"`,
  });
  await assert.rejects(loadConfig(join(dir, 'missing.yml')), /missing\.yml: cannot read: ENOENT/);
});

test('the example config parses and matches the documented defaults', () => {
  const path = fileURLToPath(new URL('./example.yml', import.meta.url));
  const c = parseConfig(readFileSync(path, 'utf8'), path);
  const d = defaultConfig();
  assert.deepEqual(c.storage, d.storage);
  assert.deepEqual(c.query, d.query);
  assert.deepEqual(c.web, d.web);
  assert.deepEqual(c.discovery, d.discovery);
  assert.deepEqual(c.local_agent, d.local_agent);
  assert.deepEqual({ ...c.global, external_labels: {} }, { ...d.global, external_labels: {} });
  assert.deepEqual(
    c.scrape_configs.map((s) => s.job_name),
    ['vigie', 'node', 'files'],
  );
  assert.equal(c.scrape_configs[1]!.body_size_limit, 10 * 1024 * 1024);
  assert.deepEqual(c.rule_files, [resolve(path, '..', 'rules/*.yml')]);
});

test("storage's DuckDB limits take sizes and name file, line and key when one is not", () => {
  assert.throws(
    () => parseConfig('storage:\n  memory_limit: 256MB\n  checkpoint_threshold: lots\n', 'v.yml'),
    {
      name: 'ConfigError',
      message:
        'v.yml:3:3: storage.checkpoint_threshold: invalid size "lots" (use a number with a unit: B, KB, MB, GB, TB, KiB, MiB...)',
    },
  );
  assert.throws(
    () => parseConfig('storage:\n  memory_limit: -1\n', 'v.yml'),
    /v\.yml:2:3: storage\.memory_limit: invalid size "-1"/,
  );
});
