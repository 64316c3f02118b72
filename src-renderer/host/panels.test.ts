import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostPanels, promString, timeToFull } from './panels';

test('promString escapes quotes and backslashes', () => {
  assert.equal(promString('a"b\\c'), '"a\\"b\\\\c"');
});

test('hostPanels scopes every query to the host', () => {
  for (const p of hostPanels('h:9100'))
    for (const q of p.queries) assert.match(q.expr, /instance="h:9100"/, `${p.title}: ${q.expr}`);
});

test('timeToFull is infinite unless free space shrinks', () => {
  assert.equal(timeToFull(100, 0), Infinity);
  assert.equal(timeToFull(100, 5), Infinity);
  assert.equal(timeToFull(100, -2), 50);
});
