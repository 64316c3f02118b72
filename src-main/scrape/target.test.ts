import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scrapeConfig, type ScrapeConfig } from '../config/api';
import { buildTarget, normalizeAddress, scrapeOffset, targetsFromGroup, type ScrapeTarget } from './target';

function job(over: Partial<ScrapeConfig> = {}): ScrapeConfig {
  return scrapeConfig('node', { scrape_interval: 15_000, scrape_timeout: 10_000 }, over);
}

function built(r: ScrapeTarget | string): ScrapeTarget {
  assert.equal(typeof r, 'object', `expected a target, got: ${String(r)}`);
  return r as ScrapeTarget;
}

test('target labels: job and instance added, group labels merged, __ labels kept out of stored labels', () => {
  const t = built(
    buildTarget(
      { __address__: 'host1:9100', __meta_filepath: '/x.json', rack: 'r1' },
      { env: 'lab', rack: 'r0' },
      job(),
    ),
  );
  assert.deepEqual(t.labels, { env: 'lab', rack: 'r1', job: 'node', instance: 'host1:9100' });
  assert.equal(t.url, 'http://host1:9100/metrics');
  assert.equal(t.discoveredLabels.__meta_filepath, '/x.json');
  assert.equal(t.discoveredLabels.__scheme__, 'http');
  assert.equal(t.discoveredLabels.__metrics_path__, '/metrics');
  assert.equal(t.internalLabels.__meta_filepath, undefined);
});

test('the target overrides scheme, metrics path, params, job and instance of the job', () => {
  const cfg = job({ scheme: 'http', params: { module: ['a', 'b'], x: ['1'] } });
  const t = built(
    buildTarget(
      {
        __address__: '10.0.0.1:8080',
        __scheme__: 'https',
        __metrics_path__: '/probe',
        __param_module: 'icmp',
        instance: 'router',
        job: 'custom',
      },
      {},
      cfg,
    ),
  );
  assert.equal(t.url, 'https://10.0.0.1:8080/probe?module=icmp&module=b&x=1');
  assert.deepEqual(t.labels, { instance: 'router', job: 'custom' });
});

test('job params become the scrape query when the target sets none', () => {
  const t = built(buildTarget({ __address__: 'h:1' }, {}, job({ params: { 'a b': ['c&d'] } })));
  assert.equal(t.url, 'http://h:1/metrics?a+b=c%26d');
  assert.equal(t.discoveredLabels['__param_a b'], 'c&d');
});

test('the scheme default port is added; IPv6 needs brackets', () => {
  assert.deepEqual(normalizeAddress('host', 'http'), { value: 'host:80' });
  assert.deepEqual(normalizeAddress('host', 'https'), { value: 'host:443' });
  assert.deepEqual(normalizeAddress('[::1]:9100', 'http'), { value: '[::1]:9100' });
  assert.deepEqual(normalizeAddress('[fe80::1]', 'http'), { value: '[fe80::1]:80' });
  const t = built(buildTarget({ __address__: 'box' }, {}, job()));
  assert.equal(t.labels.instance, 'box:80');
  assert.equal(t.url, 'http://box:80/metrics');
});

test('invalid targets are dropped with the reason', () => {
  const { targets, dropped } = targetsFromGroup(
    {
      source: '0',
      targets: [
        { __address__: 'ok:1' },
        { __address__: 'http://h:1' },
        { __address__: 'h:99999' },
        { __address__: '::1' },
        { __address__: 'h:1/path' },
        { other: 'x' },
        { __address__: 'h:1', __scheme__: 'ftp' },
      ],
      labels: {},
    },
    job(),
  );
  assert.equal(targets.length, 1);
  assert.deepEqual(
    dropped.map((d) => d.reason.split(':')[0]),
    [
      'invalid address "http',
      'invalid address "h',
      'invalid address "',
      'invalid address "h',
      'no address',
      'invalid scheme "ftp"',
    ],
  );
  assert.match(dropped[1]!.reason, /port "99999"/);
  assert.match(dropped[2]!.reason, /brackets/);
  assert.equal(dropped[4]!.discoveredLabels.job, 'node');
  assert.ok(dropped.every((d) => d.job === 'node'));
});

test('a timeout longer than the interval drops the target', () => {
  const r = buildTarget({ __address__: 'h:1' }, {}, job({ scrape_interval: 5000, scrape_timeout: 10_000 }));
  assert.match(String(r), /scrape_timeout \(10000ms\) is greater than scrape_interval \(5000ms\)/);
});

test('identity is stable and changes with labels or URL', () => {
  const a = built(buildTarget({ __address__: 'h:1' }, { env: 'x' }, job()));
  const b = built(buildTarget({ __address__: 'h:1' }, { env: 'x' }, job()));
  const c = built(buildTarget({ __address__: 'h:1' }, { env: 'y' }, job()));
  const d = built(buildTarget({ __address__: 'h:1' }, { env: 'x' }, job({ metrics_path: '/m' })));
  assert.equal(a.identity, b.identity);
  assert.equal(a.hash, b.hash);
  assert.notEqual(a.identity, c.identity);
  assert.notEqual(a.identity, d.identity);
  // __meta_ labels do not change identity: a target whose meta data moved keeps its loop.
  const e = built(buildTarget({ __address__: 'h:1', __meta_x: '1' }, { env: 'x' }, job()));
  assert.equal(a.identity, e.identity);
});

test('scrapeOffset pins the phase to wall-clock time and stays within one interval', () => {
  const interval = 15_000;
  const hash = 123456789;
  const phases = new Set<number>();
  for (const now of [0, 1, 7_777, 14_999, 15_000, 1_700_000_000_123]) {
    const off = scrapeOffset(hash, interval, now);
    assert.ok(off >= 0 && off <= interval, `offset ${off}`);
    phases.add((now + off) % interval);
  }
  assert.deepEqual([...phases], [hash % interval]);
  assert.notEqual(scrapeOffset(hash, interval, 0, 1), scrapeOffset(hash, interval, 0, 0));
});

test('scrape offsets of many targets spread over the interval', () => {
  const interval = 10_000;
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < 1000; i++) {
    const t = built(buildTarget({ __address__: `10.0.${i >> 8}.${i & 255}:9100` }, {}, job()));
    const phase = (5_000 + scrapeOffset(t.hash, interval, 5_000)) % interval;
    buckets[Math.floor(phase / 1000)]!++;
  }
  for (const b of buckets) assert.ok(b > 60 && b < 140, `uneven spread: ${buckets.join(',')}`);
});
