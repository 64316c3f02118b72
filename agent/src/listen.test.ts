import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseListen } from './listen';

test('parseListen: host:port, [v6]:port and :port', () => {
  assert.deepEqual(parseListen('127.0.0.1:9740'), { host: '127.0.0.1', port: 9740 });
  assert.deepEqual(parseListen('localhost:0'), { host: 'localhost', port: 0 });
  assert.deepEqual(parseListen('[::1]:9100'), { host: '::1', port: 9100 });
  assert.deepEqual(parseListen(':9740'), { host: '0.0.0.0', port: 9740 });
});

test('parseListen: bad values say what is wrong and what is expected', () => {
  assert.throws(
    () => parseListen('9740'),
    /invalid --listen "9740": missing or malformed ":PORT" \(expected HOST:PORT/,
  );
  assert.throws(() => parseListen('127.0.0.1:70000'), /port 70000 is out of range 0-65535/);
  assert.throws(() => parseListen('[nope]:1'), /"nope" is not an IPv6 address/);
  assert.throws(() => parseListen('a b:1'), /"a b" is not a host name or IPv4 address/);
  assert.throws(() => parseListen('host:'), /missing or malformed/);
});
