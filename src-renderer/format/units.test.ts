import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, formatValue } from './units';

test('formatBytes uses binary units', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatBytes(8 * 1024 ** 3), '8.00 GiB');
});

test('formatDuration keeps the two largest units', () => {
  assert.equal(formatDuration(90061), '1d 1h');
  assert.equal(formatDuration(65), '1m 5s');
  assert.equal(formatDuration(Infinity), '∞');
});

test('formatValue prints a dash for missing values', () => {
  assert.equal(formatValue(undefined, 'percent'), '–');
  assert.equal(formatValue(NaN, 'bytes'), '–');
  assert.equal(formatValue(42.123, 'percent'), '42.1 %');
});
