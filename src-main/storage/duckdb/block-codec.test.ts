import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STALE_NAN, isStaleNaN } from '../../common/sample';
import { SeriesDecoder, encodeSeries } from './block-codec';

/** roundTrip encodes and decodes a series and returns the decoded times and values. */
function roundTrip(ts: number[], vs: number[]): { t: number[]; v: Float64Array; e: number } {
  const enc = encodeSeries(Float64Array.from(ts), Float64Array.from(vs), ts.length);
  const d = new SeriesDecoder(enc.baseT, enc.baseV, enc.e);
  const v = new Float64Array(ts.length);
  const t = ts.map((_, i) => {
    const ti = d.nextTime(enc.dt[i]!);
    v[i] = d.value(enc.kind[i] === 0 ? enc.dv[i]! : null, enc.kind[i] === 1 ? enc.v[i]! : null);
    return ti;
  });
  return { t, v, e: enc.e };
}

test('block codec round-trips every value bit for bit, special values included', () => {
  const vs = [
    12.34,
    -0,
    0,
    NaN,
    STALE_NAN,
    Infinity,
    -Infinity,
    1e-300,
    0.1 + 0.2,
    2 ** 60,
    5e-324,
    -7.5,
    1e21,
  ];
  const ts = vs.map((_, i) => 1_700_000_000_000 + i * 15_000 + (i % 3));
  const got = roundTrip(ts, vs);
  assert.deepEqual(got.t, ts);
  vs.forEach((want, i) => {
    const v = got.v[i]!;
    assert.equal(isStaleNaN(v), isStaleNaN(want), `stale flag at ${i}`);
    assert.ok(Object.is(v, want) || (Number.isNaN(v) && Number.isNaN(want)), `${v} != ${want} at ${i}`);
  });
});

test('block codec stores a steady decimal counter as constant gaps and small integer deltas', () => {
  const ts = Array.from({ length: 100 }, (_, i) => 1_000_000 + i * 10_000);
  const vs = ts.map((_, i) => Number((123456.78 + i * 0.37).toFixed(2)));
  const enc = encodeSeries(Float64Array.from(ts), Float64Array.from(vs), ts.length);
  assert.equal(enc.e, 2);
  assert.deepEqual(new Set(enc.dt), new Set([10_000]));
  assert.deepEqual(new Set(enc.dv), new Set([37]));
  assert.deepEqual(new Set(enc.kind), new Set([0]));
  const got = roundTrip(ts, vs);
  assert.deepEqual([...got.v], vs);
});

test('block codec falls back to raw doubles when no decimal scale fits', () => {
  const vs = [Math.PI, Math.E, 1 / 3];
  const got = roundTrip([1, 2, 3], vs);
  assert.equal(got.e, -1);
  assert.deepEqual([...got.v], vs);
  assert.deepEqual(roundTrip([5], [42]).t, [5]);
  // One odd value among decimals stays raw without turning the whole series raw.
  const mixed = roundTrip([1, 2, 3, 4], [1.5, 0.1 + 0.2, 2.25, 3]);
  assert.equal(mixed.e, 2);
  assert.deepEqual([...mixed.v], [1.5, 0.1 + 0.2, 2.25, 3]);
});
