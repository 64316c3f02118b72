import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unescapeHelp, unescapeLabelValue } from './unescape';

test('unescapeLabelValue decodes \\\\, \\" and \\n and keeps other pairs', () => {
  const v = (s: string) => unescapeLabelValue(s, 0, s.length);
  assert.equal(v('plain'), 'plain');
  assert.equal(v('a\\\\b\\"c\\nd'), 'a\\b"c\nd');
  assert.equal(v('\\z\\t'), '\\z\\t');
  assert.equal(v('\\\\\\n'), '\\\n');
  assert.equal(unescapeLabelValue('x="a" y="b\\\\"', 3, 4), 'a', 'only its range');
});

test('unescapeHelp decodes \\" only in OpenMetrics', () => {
  assert.equal(unescapeHelp('a\\"b\\n\\\\', 0, 9, false), 'a\\"b\n\\');
  assert.equal(unescapeHelp('a\\"b\\n\\\\', 0, 9, true), 'a"b\n\\');
});
