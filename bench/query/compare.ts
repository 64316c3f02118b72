// compare.ts: do two Prometheus API matrix results hold the same numbers?

/** MatrixSeries is one series of a query_range answer, as the HTTP API writes it. */
export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** sameNumber compares two API sample values (strings) within a relative tolerance; NaN equals NaN. */
export function sameNumber(a: string, b: string, rel: number): boolean {
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  return Math.abs(x - y) <= rel * Math.max(Math.abs(x), Math.abs(y));
}

const keyOf = (m: Record<string, string>): string =>
  JSON.stringify(
    Object.keys(m)
      .sort()
      .map((k) => [k, m[k]]),
  );

/**
 * compareMatrices returns undefined when both answers have the same series (by labels), the same step times
 * and values within `rel`; otherwise the first difference, worded for the report.
 */
export function compareMatrices(a: MatrixSeries[], b: MatrixSeries[], rel = 1e-9): string | undefined {
  const bs = new Map(b.map((s) => [keyOf(s.metric), s]));
  if (a.length !== b.length) return `${a.length} series vs ${b.length}`;
  for (const s of a) {
    const k = keyOf(s.metric);
    const o = bs.get(k);
    if (o === undefined) return `series ${k} only in the first answer`;
    if (s.values.length !== o.values.length)
      return `series ${k}: ${s.values.length} points vs ${o.values.length}`;
    for (let i = 0; i < s.values.length; i++) {
      const [t1, v1] = s.values[i]!;
      const [t2, v2] = o.values[i]!;
      if (t1 !== t2) return `series ${k}: point ${i} at t=${t1} vs t=${t2}`;
      if (!sameNumber(v1, v2, rel)) return `series ${k} at t=${t1}: ${v1} vs ${v2}`;
    }
  }
  return undefined;
}
