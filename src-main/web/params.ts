import { parseDuration } from '../config/api';
import { invalidParam } from './errors';

/**
 * MIN_TIME and MAX_TIME are the default bounds of series/labels requests ("all time"), as Prometheus's
 * minTime/maxTime. They are the bounds of a JavaScript Date, well inside what every store can hold.
 */
export const MIN_TIME = -8_640_000_000_000_000;
export const MAX_TIME = 8_640_000_000_000_000;

/**
 * Params are a request's parameters as Go's r.Form sees them: the form body of a POST
 * (application/x-www-form-urlencoded) first, then the URL query. get returns the first value.
 */
export class Params {
  private constructor(private readonly entries: URLSearchParams) {}

  /** from reads the URL query and, for a form POST, the body. */
  static async from(req: Request): Promise<Params> {
    const url = new URL(req.url);
    const type = req.headers.get('content-type') ?? '';
    if (req.method === 'POST' && type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      const merged = new URLSearchParams(await req.text());
      for (const [k, v] of url.searchParams) merged.append(k, v);
      return new Params(merged);
    }
    return new Params(url.searchParams);
  }

  /** get returns the first value of a parameter, or '' as Go's FormValue does for a missing one. */
  get(name: string): string {
    return this.entries.get(name) ?? '';
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  getAll(name: string): string[] {
    return this.entries.getAll(name);
  }
}

const FLOAT_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** parseTimeText reads a timestamp (Unix seconds as a float, or RFC3339) into ms, or undefined. */
export function parseTimeText(s: string): number | undefined {
  if (FLOAT_RE.test(s)) {
    const secs = Number(s);
    const whole = Math.trunc(secs);
    // Prometheus keeps millisecond precision: the fraction is rounded to 3 digits.
    const ms = whole * 1000 + Math.round((secs - whole) * 1000);
    return Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME ? ms : undefined;
  }
  if (RFC3339_RE.test(s)) {
    const ms = Date.parse(s.toUpperCase());
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** timeParam reads a time parameter; a missing one gives `fallback` (or an error when there is none). */
export function timeParam(params: Params, name: string, fallback?: number): number {
  const s = params.get(name);
  if (s === '' && fallback !== undefined) return fallback;
  const ms = parseTimeText(s);
  if (ms === undefined) throw invalidParam(name, `cannot parse ${JSON.stringify(s)} to a valid timestamp`);
  return ms;
}

/** parseDurationText reads a duration (float seconds or a Prometheus duration like `5m`) into ms. */
export function parseDurationText(s: string): number | undefined {
  if (FLOAT_RE.test(s)) {
    const ms = Number(s) * 1000;
    return Number.isFinite(ms) && Math.abs(ms) <= Number.MAX_SAFE_INTEGER ? ms : undefined;
  }
  return parseDuration(s);
}

/** durationParam reads a duration parameter; undefined when absent. */
export function durationParam(params: Params, name: string): number | undefined {
  const s = params.get(name);
  if (s === '') return undefined;
  const ms = parseDurationText(s);
  if (ms === undefined) throw invalidParam(name, `cannot parse ${JSON.stringify(s)} to a valid duration`);
  return ms;
}

/** limitParam reads a `limit` parameter: 0 or absent means no limit; negative or non-numeric is bad data. */
export function limitParam(params: Params, name = 'limit'): number {
  const s = params.get(name);
  if (s === '') return 0;
  if (!/^[+-]?\d+$/.test(s)) throw invalidParam(name, `cannot parse ${JSON.stringify(s)} to a valid limit`);
  const n = Number(s);
  if (n < 0) throw invalidParam(name, 'limit must be non-negative');
  return n;
}
