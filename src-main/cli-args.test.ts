import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImportArgs, parseListen, parseServeArgs, UsageError } from './cli-args';

test('parseListen accepts host:port, [v6]:port and :port', () => {
  assert.deepEqual(parseListen('127.0.0.1:9742'), { host: '127.0.0.1', port: 9742 });
  assert.deepEqual(parseListen('[::1]:80'), { host: '::1', port: 80 });
  assert.deepEqual(parseListen(':9742'), { host: '0.0.0.0', port: 9742 });
  assert.throws(() => parseListen('9742'), /--listen: expected HOST:PORT/);
  assert.throws(() => parseListen('h:99999'), UsageError);
});

test('parseServeArgs reads every flag and rejects unknown ones', () => {
  assert.deepEqual(
    parseServeArgs(['--data', '/d', '--listen', '127.0.0.1:1', '--no-mdns', '--no-local-agent']),
    {
      data: '/d',
      listen: { host: '127.0.0.1', port: 1 },
      config: undefined,
      mdns: false,
      mdnsInterfaces: undefined,
      enrollmentTokenFile: undefined,
      mdnsQueryIntervalMs: undefined,
      mdnsExpireAfterMs: undefined,
      localAgent: false,
    },
  );
  assert.equal(parseServeArgs([]).mdns, true);
  const m = parseServeArgs([
    '--mdns-interface',
    'eth0',
    '--mdns-interface=wlan0',
    '--enrollment-token-file',
    '/t',
  ]);
  assert.deepEqual(m.mdnsInterfaces, ['eth0', 'wlan0']);
  assert.equal(m.enrollmentTokenFile, '/t');
  const d = parseServeArgs(['--mdns-query-interval', '1s', '--mdns-expire-after=3500ms']);
  assert.deepEqual([d.mdnsQueryIntervalMs, d.mdnsExpireAfterMs], [1000, 3500]);
  assert.throws(
    () => parseServeArgs(['--mdns-expire-after', 'soon']),
    /--mdns-expire-after: expected a positive duration/,
  );
  assert.throws(() => parseServeArgs(['--bogus']), /Unknown option '--bogus'/);
});

test('parseImportArgs reads the file, --data, --config and --batch-mb, and names what is wrong', () => {
  assert.deepEqual(parseImportArgs(['--data', '/d', 'history.om']), {
    file: 'history.om',
    data: '/d',
    config: undefined,
    batchBytes: undefined,
  });
  assert.equal(parseImportArgs(['--batch-mb', '0.5', 'f']).batchBytes, 500_000);
  assert.throws(() => parseImportArgs(['--data', '/d']), /the OpenMetrics FILE to import is missing/);
  assert.throws(() => parseImportArgs(['a', 'b']), /expected one FILE, got 2: a b/);
  assert.throws(() => parseImportArgs(['--batch-mb', 'x', 'f']), /--batch-mb: expected a number/);
  assert.throws(() => parseImportArgs(['--bogus', 'f']), UsageError);
});
