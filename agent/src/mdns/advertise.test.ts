import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import { advertTxt, instanceNameOf, resolveInterfaces } from './advertise';

// Only the pure parts: announcing for real sends multicast, which runs in the lab (test/lab/) only.

test('advertTxt carries id, version, scheme, metrics path and key fingerprint', () => {
  assert.deepEqual(
    advertTxt({
      id: 'a1',
      hostname: 'box',
      os: 'linux 6',
      version: '0.1.0',
      fingerprint: 'SHA256:x',
      port: 9740,
    }),
    {
      txtvers: '1',
      proto: '1',
      id: 'a1',
      ver: '0.1.0',
      scheme: 'http',
      path: '/metrics',
      fp: 'SHA256:x',
      host: 'box',
      os: 'linux 6',
    },
  );
});

test('instanceNameOf is readable, unique per id and within a DNS label', () => {
  assert.equal(instanceNameOf('box', '0123456789abcdef'), 'box-01234567');
  assert.ok(instanceNameOf('x'.repeat(100), 'abcdefgh-1').length <= 63);
});

test('resolveInterfaces maps names to IPv4 addresses and names an unknown interface', () => {
  assert.deepEqual(resolveInterfaces(['10.1.2.3']), ['10.1.2.3']);
  const lo = Object.entries(networkInterfaces()).find(([, a]) =>
    a?.some((x) => x.family === 'IPv4' && x.internal),
  );
  if (lo !== undefined)
    assert.equal(resolveInterfaces([lo[0]])[0], lo[1]!.find((x) => x.family === 'IPv4')!.address);
  assert.throws(() => resolveInterfaces(['no-such-if0']), /mDNS interface "no-such-if0": no such interface/);
});
