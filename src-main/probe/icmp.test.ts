import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePing } from './icmp';

test('parsePing reads replies and the summary of iputils ping, with loss', () => {
  const out = `PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.
64 bytes from 10.0.0.2: icmp_seq=1 ttl=63 time=0.412 ms
64 bytes from 10.0.0.2: icmp_seq=3 ttl=63 time=1.20 ms

--- 10.0.0.2 ping statistics ---
3 packets transmitted, 2 received, 33.3333% packet loss, time 402ms
rtt min/avg/max/mdev = 0.412/0.806/1.200/0.394 ms
`;
  assert.deepEqual(parsePing(out), {
    replies: [
      { ttl: 63, rttMs: 0.412 },
      { ttl: 63, rttMs: 1.2 },
    ],
    transmitted: 3,
    received: 2,
  });
  const none = parsePing(`PING 10.0.0.9 (10.0.0.9) 56(84) bytes of data.

--- 10.0.0.9 ping statistics ---
3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2040ms
`);
  assert.deepEqual(none, { replies: [], transmitted: 3, received: 0 });
});
