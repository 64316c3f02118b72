import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGoFloat, normalizeFloatLabel } from './normalize';

test('formatGoFloat prints like Go strconv.FormatFloat(f, g, -1, 64)', () => {
  const cases: [number, string][] = [
    [1, '1'],
    [0.5, '0.5'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [100000, '100000'],
    [1e6, '1e+06'],
    [1555555.55555552, '1.55555555555552e+06'],
    [1e23, '1e+23'],
    [-0.25, '-0.25'],
    [123456.7, '123456.7'],
    [0, '0'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
    [2.5e-300, '2.5e-300'],
  ];
  for (const [f, s] of cases) assert.equal(formatGoFloat(f), s, String(f));
});

test('normalizeFloatLabel gives whole numbers a .0 and keeps non-numbers', () => {
  const cases: [string, string][] = [
    ['1', '1.0'],
    ['1.0', '1.0'],
    ['0', '0.0'],
    ['+Inf', '+Inf'],
    ['inf', '+Inf'],
    ['1e-04', '0.0001'],
    ['1e+05', '100000.0'],
    ['10000000000', '1e+10'],
    ['0.25', '0.25'],
    ['foo', 'foo'],
    ['', ''],
  ];
  for (const [input, out] of cases) assert.equal(normalizeFloatLabel(input), out, input);
});
