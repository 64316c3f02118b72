import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeValue, formatValue, rfc3339 } from './format';

test('formatValue writes values as Prometheus does', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [0.1, '0.1'],
    [-2.5, '-2.5'],
    [1e21, '1e+21'],
    [1.5e300, '1.5e+300'],
    [1e20, '100000000000000000000'],
    [123456789.123, '123456789.123'],
    [0.000001, '0.000001'],
    [1e-7, '1e-07'],
    [-3.25e-9, '-3.25e-09'],
    [5e-324, '5e-324'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ];
  for (const [v, s] of cases) assert.equal(formatValue(v), s, String(v));
});

test('encodeValue shapes every result type', () => {
  assert.deepEqual(
    encodeValue({ type: 'vector', samples: [{ labels: { __name__: 'up' }, t: 1435781451781, v: 1 }] }),
    { resultType: 'vector', result: [{ metric: { __name__: 'up' }, value: [1435781451.781, '1'] }] },
  );
  assert.deepEqual(
    encodeValue({ type: 'matrix', series: [{ labels: { a: 'b' }, t: [1000, 2000], v: [NaN, 2] }] }),
    {
      resultType: 'matrix',
      result: [
        {
          metric: { a: 'b' },
          values: [
            [1, 'NaN'],
            [2, '2'],
          ],
        },
      ],
    },
  );
  assert.deepEqual(encodeValue({ type: 'scalar', t: 1500, v: Infinity }), {
    resultType: 'scalar',
    result: [1.5, '+Inf'],
  });
  assert.deepEqual(encodeValue({ type: 'string', t: 0, v: 'hi' }), {
    resultType: 'string',
    result: [0, 'hi'],
  });
});

test('rfc3339 matches Go time formatting', () => {
  assert.equal(rfc3339(0), '0001-01-01T00:00:00Z');
  assert.equal(rfc3339(Date.UTC(2024, 0, 2, 3, 4, 5)), '2024-01-02T03:04:05Z');
  assert.equal(rfc3339(Date.UTC(2024, 0, 2, 3, 4, 5, 120)), '2024-01-02T03:04:05.120Z');
});

test('encodeValue lists label names sorted, __name__ first, as Prometheus marshals labels', () => {
  const out = encodeValue({
    type: 'vector',
    samples: [{ labels: { job: 'j', __name__: 'up', instance: 'i' }, t: 1000, v: 1 }],
  });
  assert.deepEqual(Object.keys((out.result as { metric: object }[])[0]!.metric), [
    '__name__',
    'instance',
    'job',
  ]);
});
