import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from './args';

test('parseArgs: defaults, --listen in both spellings, --no-mdns, settings', () => {
  const d = parseArgs([]);
  assert.equal(d.server.host, '0.0.0.0');
  assert.equal(d.server.port, 9740);
  assert.equal(d.mdns, true);
  const a = parseArgs([
    '--listen=127.0.0.1:0',
    '--no-mdns',
    '--max-requests',
    '3',
    '--filesystem.mount-points-exclude=^/boot',
    '--filesystem.statfs-timeout',
    '250',
    '--netdev.device-exclude',
    '^(lo|veth.*)$',
  ]);
  assert.equal(a.server.host, '127.0.0.1');
  assert.equal(a.server.port, 0);
  assert.equal(a.mdns, false);
  assert.equal(a.server.maxRequests, 3);
  assert.equal(a.server.filesystem?.mountPointsExclude, '^/boot');
  assert.equal(a.server.filesystem?.statfsTimeoutMs, 250);
  assert.equal(a.server.netdev?.deviceExclude, '^(lo|veth.*)$');
  assert.deepEqual(parseArgs(['--listen', '[::1]:9100']).server.host, '::1');
});

test('parseArgs: errors name the argument and what is wrong', () => {
  assert.throws(() => parseArgs(['--listen']), /--listen needs a value/);
  assert.throws(() => parseArgs(['--max-requests', '0']), /--max-requests "0": expected a positive integer/);
  assert.throws(
    () => parseArgs(['--diskstats.device-exclude', '(']),
    /--diskstats.device-exclude "\(": not a valid regular expression/,
  );
  assert.throws(() => parseArgs(['--bogus']), /unknown argument "--bogus"/);
});

test('parseArgs: collector switches and settings', () => {
  const a = parseArgs([
    '--no-collector.systemd',
    '--no-collector.hwmon',
    '--collector.timeout=2500',
    '--collector.containers',
    '--collector.containers.socket',
    '/run/a.sock',
    '--collector.containers.socket=/run/b.sock',
    '--collector.containers.concurrency',
    '2',
    '--collector.systemd.unit-include',
    '.+\\.service',
    '--collector.systemd.unit-exclude=foo\\.service',
  ]);
  assert.deepEqual(a.server.disabledCollectors, ['systemd', 'hwmon']);
  assert.equal(a.server.collectorTimeoutMs, 2500);
  assert.deepEqual(a.server.containers, {
    required: true,
    sockets: ['/run/a.sock', '/run/b.sock'],
    concurrency: 2,
  });
  assert.deepEqual(a.server.systemd, { unitInclude: '.+\\.service', unitExclude: 'foo\\.service' });
  assert.equal(parseArgs(['--collector.systemd']).server.systemd?.required, true);
  assert.throws(
    () => parseArgs(['--collector.timeout', '-1']),
    /--collector.timeout "-1": expected a positive integer/,
  );
  assert.throws(() => parseArgs(['--no-collector.']), /unknown argument "--no-collector."/);
  assert.throws(
    () => parseArgs(['--collector.systemd.unit-include', '[']),
    /--collector.systemd.unit-include "\[": not a valid regular expression/,
  );
});
