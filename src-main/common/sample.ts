/**
 * STALE_NAN is Prometheus's staleness marker: a NaN whose low word is 2 (bits 0x7ff0000000000002).
 * It marks "this series ended here" so that lookback stops at it. V8 keeps a NaN's payload in typed arrays
 * but sets the quiet bit when a NaN passes through a plain array, so isStaleNaN checks the low word only.
 */
export const STALE_NAN: number = (() => {
  const words = new Uint32Array([2, 0x7ff00000]);
  return new Float64Array(words.buffer)[0]!;
})();

const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);

/** isStaleNaN tells a staleness marker from an ordinary NaN sample value. */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false;
  scratchF64[0] = v;
  return scratchU32[0] === 2 && (scratchU32[1]! & 0x7ff00000) === 0x7ff00000;
}

/** Sample is one point of one series: t in milliseconds since the epoch, v the value. */
export interface Sample {
  t: number;
  v: number;
}
