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
