import { STALE_NAN, isStaleNaN } from '../../common/sample';

/**
 * block-codec.ts encodes one series' samples of a block for compression by DuckDB. Per row:
 * - dt: gap to the previous sample (the first row repeats the second gap; `baseT` = first t − first dt),
 *   so a steady scrape interval is one constant that bit-packing stores in ~0 bits;
 * - dv: for values that are decimals with at most MAX_EXP digits (as an exposition parser reads "12.34"),
 *   the delta of the scaled integer v·10^e from the previous such row (`baseV` plays the part of baseT).
 *   A counter's deltas are small where its absolute values are not: ALP would spend log2(range of the
 *   whole 1024-value vector) bits per value, the deltas need only log2(per-step increase) bits;
 * - v: the raw double, for rows whose value does not fit the series' decimal scale (NaN, ±Inf, other
 *   binary fractions); both dv and v NULL mark a staleness marker.
 * Decoding computes iv / 10^e with the exact expression encoding verified, so every value round-trips
 * bit for bit (including -0).
 */

/** MAX_EXP is the largest decimal exponent tried for a series (ALP tries up to 18; 10 covers real data). */
const MAX_EXP = 10;
/** POW10[e] is 10^e, the scale of a series stored with decimal exponent e. */
export const POW10 = Array.from({ length: MAX_EXP + 1 }, (_, e) => 10 ** e);
/** MAX_INT is the largest scaled integer kept exact in a double and in BIGINT sums. */
const MAX_INT = 2 ** 52;

/** EncodedSeries is one series' block rows; dv/v use NaN slots where the column is NULL (see kind). */
export interface EncodedSeries {
  baseT: number;
  baseV: number;
  /** e is the decimal exponent of dv rows, or -1 when no row is scaled. */
  e: number;
  dt: Int32Array;
  /** kind[i]: 0 = dv holds the row, 1 = v holds it, 2 = staleness marker. */
  kind: Uint8Array;
  dv: Float64Array;
  v: Float64Array;
}

/** fits tells whether v is exactly the decimal round(v·10^e) / 10^e and can be rebuilt from a sum. */
function fits(v: number, e: number): boolean {
  // -0 cannot come back out of a running integer sum (0 + -0 is 0), so it is stored raw.
  if (Object.is(v, -0)) return false;
  const p = POW10[e]!;
  const iv = Math.round(v * p);
  return Math.abs(iv) <= MAX_INT && Object.is(iv / p, v);
}

/**
 * chooseExponent picks the smallest exponent that fits every finite value that fits some exponent (values
 * that fit none are stored raw row by row), or -1 when no value fits any.
 */
function chooseExponent(v: Float64Array, n: number): number {
  let best = -1;
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    if (!Number.isFinite(x) || (best >= 0 && fits(x, best))) continue;
    for (let e = Math.max(0, best + 1); e <= MAX_EXP; e++)
      if (fits(x, e)) {
        best = e;
        break;
      }
  }
  return best;
}

/** encodeSeries encodes n samples (time-ordered) of one series. */
export function encodeSeries(t: Float64Array, v: Float64Array, n: number): EncodedSeries {
  const e = chooseExponent(v, n);
  const p = e >= 0 ? POW10[e]! : 1;
  const dt = new Int32Array(n);
  const kind = new Uint8Array(n);
  const dv = new Float64Array(n);
  const raw = new Float64Array(n);
  const firstGap = n > 1 ? t[1]! - t[0]! : 0;
  const baseT = t[0]! - firstGap;
  let prevT = baseT;
  let prevIv = NaN;
  let baseV = 0;
  let firstDv = -1;
  for (let i = 0; i < n; i++) {
    dt[i] = t[i]! - prevT;
    prevT = t[i]!;
    const x = v[i]!;
    if (x !== x && isStaleNaN(x)) {
      kind[i] = 2;
    } else if (e >= 0 && Number.isFinite(x) && fits(x, e)) {
      const iv = Math.round(x * p);
      if (prevIv !== prevIv) {
        firstDv = i;
        prevIv = iv;
      }
      dv[i] = iv - prevIv;
      prevIv = iv;
    } else {
      kind[i] = 1;
      raw[i] = x;
    }
  }
  // The first scaled row repeats the next scaled delta, like dt, so it is no outlier either.
  if (firstDv >= 0) {
    let next = firstDv + 1;
    while (next < n && kind[next] !== 0) next++;
    const d = next < n ? dv[next]! : 0;
    baseV = Math.round(v[firstDv]! * p) - d;
    dv[firstDv] = d;
  }
  return { baseT, baseV, e, dt, kind, dv, v: raw };
}

/** SeriesDecoder rebuilds one series' (t, v) rows from (dt, dv, v) rows, in order. */
export class SeriesDecoder {
  private t: number;
  private iv: number;
  private readonly p: number;

  constructor(baseT: number, baseV: number, e: number) {
    this.t = baseT;
    this.iv = baseV;
    this.p = e >= 0 ? POW10[e]! : 1;
  }

  /** next returns the time of the next row; call value() right after for its value. */
  nextTime(dt: number): number {
    return (this.t += dt);
  }

  /** value decodes the row's value: dv (or null), v (or null); both null is a staleness marker. */
  value(dv: number | null, v: number | null): number {
    if (dv !== null) {
      this.iv += dv;
      return this.iv / this.p;
    }
    return v ?? STALE_NAN;
  }
}
