import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translateRE2 } from './re2';

const full = (re: string) => new RegExp(`^(?:${translateRE2(re)})$`, 's');

test('translateRE2 supports inline case-insensitive groups and flags', () => {
  assert.ok(full('(?i:PRO).*').test('production'));
  assert.ok(full('((?i)pro)duction').test('PROduction'));
  assert.ok(!full('((?i)pro)duction').test('PRODUCTION'), 'the flag ends with its group');
  assert.ok(full('(?i)[a-c]x').test('BX'));
});

test('translateRE2 supports named groups, POSIX classes and \\Q…\\E', () => {
  assert.equal(full('(?P<x>a+)b').exec('aab')?.groups?.x, 'aa');
  assert.ok(full('[[:digit:]]+').test('123'));
  assert.ok(!full('[[:digit:]]+').test('12a'));
  assert.ok(full('\\Qa.b\\E').test('a.b'));
  assert.ok(!full('\\Qa.b\\E').test('axb'));
});
