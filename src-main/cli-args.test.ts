import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListen, parseServeArgs, UsageError } from './cli-args';

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
      localAgent: false,
    },
  );
  assert.equal(parseServeArgs([]).mdns, true);
  assert.throws(() => parseServeArgs(['--bogus']), /Unknown option '--bogus'/);
});
