import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeTxt, instanceLabel, ServiceTable, type DnsPacket } from './mdns-records';

const T = '_vigie._tcp.local';

/** announce is a typical DNS-SD answer: PTR in answers, SRV, TXT and A in additionals. */
function announce(
  name: string,
  opts: { ttl?: number; port?: number; ip?: string; txt?: string[] } = {},
): DnsPacket {
  const ttl = opts.ttl ?? 120;
  const fqdn = `${name}.${T}`;
  return {
    type: 'response',
    answers: [{ name: T, type: 'PTR', ttl: opts.ttl ?? 4500, data: fqdn }],
    additionals: [
      { name: fqdn, type: 'SRV', ttl, data: { target: `${name}.local`, port: opts.port ?? 9740 } },
      { name: fqdn, type: 'TXT', ttl, data: (opts.txt ?? ['id=a1', 'fp=x']).map((s) => Buffer.from(s)) },
      { name: `${name}.local`, type: 'A', ttl, data: opts.ip ?? '10.0.0.2' },
    ],
  };
}

test('a complete announcement is up once, then updated only when something changed', () => {
  const table = new ServiceTable([T, '_prometheus-http._tcp.local'], 30_000);
  const [up] = table.apply(announce('box-1'), '10.0.0.2', 0);
  assert.equal(up!.kind, 'up');
  assert.deepEqual(up!.service, {
    key: `box-1.${T}@10.0.0.2`,
    fqdn: `box-1.${T}`,
    name: 'box-1',
    type: '_vigie._tcp',
    host: 'box-1.local',
    port: 9740,
    address: '10.0.0.2',
    txt: { id: 'a1', fp: 'x' },
  });
  assert.deepEqual(table.apply(announce('box-1'), '10.0.0.2', 10), []);
  const [upd] = table.apply(announce('box-1', { txt: ['id=a1', 'fp=y'] }), '10.0.0.2', 20);
  assert.equal(upd!.kind, 'update');
  assert.equal(upd!.service.txt.fp, 'y');
  // Unrelated service types are ignored.
  assert.deepEqual(
    table.apply(
      { answers: [{ name: '_http._tcp.local', type: 'PTR', ttl: 10, data: 'x._http._tcp.local' }] },
      '10.0.0.5',
      30,
    ),
    [],
  );
});

test('goodbye (PTR TTL 0) takes the instance down; silence expires it', () => {
  const table = new ServiceTable([T], 30_000);
  table.apply(announce('a'), '10.0.0.2', 0);
  table.apply(announce('b', { ip: '10.0.0.3' }), '10.0.0.3', 0);
  const bye = table.apply({ answers: [{ name: T, type: 'PTR', ttl: 0, data: `a.${T}` }] }, '10.0.0.2', 5);
  assert.deepEqual(
    bye.map((e) => [e.kind, e.service.name, e.kind === 'down' && e.why]),
    [['down', 'a', 'goodbye']],
  );
  assert.deepEqual(table.expire(30_000), []);
  const gone = table.expire(30_001);
  assert.deepEqual(
    gone.map((e) => [e.kind, e.service.name, e.kind === 'down' && e.why]),
    [['down', 'b', 'expired']],
  );
});

test('the same name from two sources stays two instances (an impostor cannot take over an address)', () => {
  const table = new ServiceTable([T], 30_000);
  const a = table.apply(announce('box', { ip: '10.0.0.2' }), '10.0.0.2', 0);
  const b = table.apply(announce('box', { ip: '10.0.0.9' }), '10.0.0.9', 0);
  assert.equal(a[0]!.service.address, '10.0.0.2');
  assert.equal(b[0]!.kind, 'up');
  assert.equal(b[0]!.service.address, '10.0.0.9');
  assert.notEqual(a[0]!.service.key, b[0]!.service.key);
});

test('records may arrive apart (Avahi): the instance is up once SRV and TXT are known; A may come later', () => {
  const table = new ServiceTable([T], 30_000);
  const fqdn = `x.${T}`;
  assert.deepEqual(
    table.apply({ answers: [{ name: T, type: 'PTR', ttl: 4500, data: fqdn }] }, '10.0.0.4', 0),
    [],
  );
  assert.deepEqual(table.incomplete(), [{ fqdn, missing: ['SRV', 'TXT'] }]);
  table.apply(
    { answers: [{ name: fqdn, type: 'SRV', ttl: 120, data: { target: 'x.local', port: 9100 } }] },
    '10.0.0.4',
    1,
  );
  assert.deepEqual(table.incomplete(), [{ fqdn, missing: ['TXT'] }]);
  const [up] = table.apply({ answers: [{ name: fqdn, type: 'TXT', ttl: 120, data: [] }] }, '10.0.0.4', 2);
  assert.equal(up!.kind, 'up');
  assert.equal(up!.service.address, '10.0.0.4', 'the source address when no A record is known');
  // A host whose A records do not include the source: its first A record is used.
  const t2 = new ServiceTable([T], 30_000);
  const [o] = t2.apply(announce('y', { ip: '10.0.1.8' }), '10.0.0.4', 0);
  assert.equal(o!.service.address, '10.0.1.8');
});

test('decodeTxt reads key=value strings, keys case-insensitively, first one wins', () => {
  assert.deepEqual(
    decodeTxt([Buffer.from('ID=a'), Buffer.from('id=b'), Buffer.from('flag'), Buffer.from(''), 'k=v=w']),
    {
      id: 'a',
      flag: '',
      k: 'v=w',
    },
  );
  assert.deepEqual(decodeTxt(undefined), {});
});

test('instanceLabel strips the type and undoes DNS escapes', () => {
  assert.equal(instanceLabel(`My\\032Box\\.1.${T}`, '_vigie._tcp'), 'My Box.1');
});
