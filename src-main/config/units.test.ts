import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, formatSize, parseDuration, parseSize } from './units';

test('parseDuration reads Prometheus durations', () => {
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('10s'), 10_000);
  assert.equal(parseDuration('1d2h30m'), ((24 + 2) * 60 + 30) * 60_000);
  assert.equal(parseDuration('1w'), 7 * 86_400_000);
  assert.equal(parseDuration('1y'), 365 * 86_400_000);
  assert.equal(parseDuration('1m30s500ms'), 90_500);
});

test('parseDuration refuses what Prometheus refuses', () => {
  for (const bad of ['', '10', '10x', '1.5s', '30m1h', '1s1s', '-1s', ' 1s', '1S'])
    assert.equal(parseDuration(bad), undefined, bad);
});

test('formatDuration prints as Prometheus does', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(14 * 86_400_000), '2w');
  assert.equal(formatDuration(15 * 86_400_000), '15d');
  assert.equal(formatDuration(1500), '1s500ms');
  for (const text of ['1y', '2h5m', '250ms', '1d1h1m1s1ms'])
    assert.equal(formatDuration(parseDuration(text)!), text);
});

test('parseSize reads 1024-based units', () => {
  assert.equal(parseSize('0'), 0);
  assert.equal(parseSize('100B'), 100);
  assert.equal(parseSize('10KB'), 10 * 1024);
  assert.equal(parseSize('10MB'), 10 * 1024 ** 2);
  assert.equal(parseSize('1GiB'), 1024 ** 3);
  assert.equal(parseSize('1GB'), 1024 ** 3);
  assert.equal(parseSize('1.5KB'), 1536);
  assert.equal(parseSize('1GB512MB'), 1024 ** 3 + 512 * 1024 ** 2);
  for (const bad of ['', '10', '10XB', 'MB', '10 MB', '10mb']) assert.equal(parseSize(bad), undefined, bad);
});

test('formatSize picks the largest exact unit', () => {
  assert.equal(formatSize(0), '0B');
  assert.equal(formatSize(10 * 1024 ** 2), '10MB');
  assert.equal(formatSize(1536), '1536B');
});
