import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNumber, parseTextTimestamp } from './number';

/** num parses a whole string. */
const num = (s: string) => parseNumber(s, 0, s.length);

test('parseNumber agrees with JavaScript on every decimal form the formats allow', () => {
  const forms = [
    '0',
    '-0',
    '1',
    '+1',
    '-1',
    '12.47',
    '.5',
    '5.',
    '1e3',
    '1E-3',
    '-1.5e+3',
    '0.013300656000000001',
    '1.7268398142239082e+09',
    '9223372036854775808',
    '0000000000000000000000000000000000000000001.2e-1',
    '12345678901234567890.1234567890',
    '1e-400',
    '1e400',
    '0.1',
    '0.3',
    '123456789012345.6',
    '4.35',
    '2.2250738585072014e-308',
    '9007199254740991',
    '9007199254740993',
    '9007199254740992.5',
    '0.9007199254740993',
    '1.726839813016397e+09',
    '-0.0003825067330956884',
    '1e22',
    '1e23',
    '8.98846567431158e307',
  ];
  for (const f of forms) assert.equal(num(f), Number(f), f);
  // Random short decimals exercise the exact fast path against V8's correctly rounded conversion.
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 20000; i++) {
    const s = (rand() * 10 ** Math.floor(rand() * 30 - 15)).toPrecision(1 + Math.floor(rand() * 17));
    assert.equal(num(s), Number(s), s);
  }
});

test('parseNumber reads Inf, Infinity and NaN in any case, and rejects what Prometheus rejects', () => {
  assert.equal(num('+Inf'), Infinity);
  assert.equal(num('-inf'), -Infinity);
  assert.equal(num('Infinity'), Infinity);
  assert.ok(Number.isNaN(num('NaN')!));
  assert.ok(Number.isNaN(num('nan')!));
  for (const bad of [
    '',
    '+',
    '-',
    '.',
    'e1',
    '1e',
    '1e+',
    '1_000',
    '0x1',
    '0x1p-3',
    '1.2.3',
    '-NaN',
    'Inf1',
    ' 1',
    '1 ',
  ])
    assert.equal(num(bad), undefined, JSON.stringify(bad));
});

test('parseNumber reads only its range of the string', () => {
  assert.equal(parseNumber('a 12.5 b', 2, 6), 12.5);
});

test('parseTextTimestamp reads integer milliseconds only', () => {
  const ts = (s: string) => parseTextTimestamp(s, 0, s.length);
  assert.equal(ts('1395066363000'), 1395066363000);
  assert.equal(ts('-5'), -5);
  assert.equal(ts('12345678901234567890'), Number('12345678901234567890'));
  for (const bad of ['', '-', '1.5', '1e3', 'NaN']) assert.equal(ts(bad), undefined, bad);
});
