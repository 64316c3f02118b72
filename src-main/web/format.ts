import type { Labels } from '../common/labels';
import type { PromValue } from '../promql/api';

/**
 * formatValue writes a sample value as Prometheus's API does: a string, "NaN", "+Inf", "-Inf", and otherwise
 * Go's shortest representation — fixed notation from 1e-6 up to 1e21, exponent notation (at least two
 * exponent digits, `1e+21`, `1e-07`) outside. JavaScript's own number printing switches at the same bounds,
 * so only the exponent width and the sign of zero need fixing.
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const sign = s[e + 1]!;
  const digits = s.slice(e + 2);
  return `${s.slice(0, e)}e${sign}${digits.length < 2 ? '0' + digits : digits}`;
}

/** formatTime writes a ms timestamp as the API's float seconds (a JSON number, `1435781451.781`). */
export function formatTime(ms: number): number {
  return ms / 1000;
}

/** rfc3339 writes a ms timestamp the way Go formats time.Time in JSON; 0 is Go's zero time. */
export function rfc3339(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00Z';
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Point is one [time, "value"] pair of the API. */
export type Point = [number, string];

/** encodeValue turns an engine result into the API's `data` object (`resultType` and `result`). */
export function encodeValue(value: PromValue): { resultType: string; result: unknown } {
  switch (value.type) {
    case 'vector':
      return {
        resultType: 'vector',
        result: value.samples.map((s) => ({
          metric: labelsObject(s.labels),
          value: [formatTime(s.t), formatValue(s.v)] as Point,
        })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: value.series.map((s) => ({ metric: labelsObject(s.labels), values: points(s.t, s.v) })),
      };
    case 'scalar':
      return { resultType: 'scalar', result: [formatTime(value.t), formatValue(value.v)] };
    case 'string':
      return { resultType: 'string', result: [formatTime(value.t), value.v] };
  }
}

function points(t: readonly number[], v: readonly number[]): Point[] {
  const out: Point[] = new Array<Point>(t.length);
  for (let i = 0; i < t.length; i++) out[i] = [formatTime(t[i]!), formatValue(v[i]!)];
  return out;
}

/** labelsObject copies labels into a plain object for JSON, names sorted as Prometheus marshals them (`__name__` first). */
export function labelsObject(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(labels).sort()) out[name] = labels[name]!;
  return out;
}
