import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesFilter, severity, type HostTile } from './fleet';

function tile(over: Partial<HostTile>): HostTile {
  return {
    instance: '10.0.0.1:9100',
    job: 'node',
    name: 'web-1',
    labels: { instance: '10.0.0.1:9100', job: 'node', room: 'b12' },
    health: 'up',
    lastError: '',
    lastScrape: 0,
    firing: 0,
    spark: { cpu: [], mem: [], disk: [], net: [] },
    now: { cpu: 10, mem: 20, disk: 30, net: 1000 },
    ...over,
  };
}

test('severity puts down and firing hosts first, then high usage', () => {
  assert.equal(severity(tile({ health: 'down' })), 2);
  assert.equal(severity(tile({ firing: 1 })), 2);
  assert.equal(severity(tile({ now: { cpu: 95, mem: 1, disk: 1, net: 0 } })), 1);
  assert.equal(severity(tile({})), 0);
});

test('matchesFilter matches labels exactly, by substring, and free text', () => {
  assert.ok(matchesFilter(tile({}), 'room=b12'));
  assert.ok(!matchesFilter(tile({}), 'room=b1'));
  assert.ok(matchesFilter(tile({}), 'room~b1'));
  assert.ok(matchesFilter(tile({}), 'web'));
  assert.ok(matchesFilter(tile({}), 'web room=b12'));
  assert.ok(!matchesFilter(tile({}), 'db'));
});
