import { goFloat } from './go-format';

/** QUERY_FUNCS are the functions that need the render's context (query results, the external URL). */
export const QUERY_FUNCS = ['query', 'externalURL', 'pathPrefix'] as const;

/** Sample is a `query` result element as templates see it. */
interface Sample {
  Labels: Record<string, string>;
  Value: number;
}

function sample(x: unknown, fn: string): Sample {
  if (x !== null && typeof x === 'object' && 'Labels' in x && 'Value' in x) return x as Sample;
  throw new Error(`${fn}: argument is not a query result sample`);
}

function samples(x: unknown, fn: string): Sample[] {
  if (Array.isArray(x)) return x.map((e) => sample(e, fn));
  throw new Error(`${fn}: argument is not a query result`);
}

/** RESULT_FUNCS are Prometheus's helpers over `query` results (template.go). */
const RESULT_FUNCS: Readonly<Record<string, (...args: unknown[]) => unknown>> = {
  first: (v) => {
    const xs = samples(v, 'first');
    if (xs.length === 0) throw new Error('first() called on vector with no elements');
    return xs[0];
  },
  label: (name, s) => sample(s, 'label').Labels[String(name)] ?? '',
  value: (s) => sample(s, 'value').Value,
  strvalue: (s) => sample(s, 'strvalue').Labels.__value__ ?? '',
  sortByLabel: (name, v) => {
    const n = String(name);
    return [...samples(v, 'sortByLabel')].sort((a, b) => {
      const x = a.Labels[n] ?? '';
      const y = b.Labels[n] ?? '';
      return x < y ? -1 : x > y ? 1 : 0;
    });
  },
};

/**
 * TEMPLATE_FUNCS are Prometheus's template functions (template.go) that need no query engine. Numbers may
 * arrive as strings (`"42" | humanize`), converted as Prometheus's convertToFloat does.
 */
export const TEMPLATE_FUNCS: Readonly<Record<string, (...args: unknown[]) => unknown>> = {
  humanize: (x) => {
    let v = toFloat(x);
    if (v === 0 || !Number.isFinite(v)) return goFloat(v, 4);
    let prefix = '';
    if (Math.abs(v) >= 1) {
      for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
        if (Math.abs(v) < 1000) break;
        prefix = p;
        v /= 1000;
      }
      return goFloat(v, 4) + prefix;
    }
    for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
    return goFloat(v, 4) + prefix;
  },
  humanize1024: (x) => {
    let v = toFloat(x);
    if (Math.abs(v) <= 1 || !Number.isFinite(v)) return goFloat(v, 4);
    let prefix = '';
    for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
      if (Math.abs(v) < 1024) break;
      prefix = p;
      v /= 1024;
    }
    return goFloat(v, 4) + prefix;
  },
  humanizeDuration: (x) => {
    let v = toFloat(x);
    if (!Number.isFinite(v)) return goFloat(v, 4);
    if (v === 0) return goFloat(v, 4) + 's';
    if (Math.abs(v) >= 1) {
      const sign = v < 0 ? '-' : '';
      v = Math.abs(v);
      const d = Math.trunc(v);
      const seconds = d % 60;
      const minutes = Math.trunc(d / 60) % 60;
      const hours = Math.trunc(d / 3600) % 24;
      const days = Math.trunc(d / 86400);
      if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
      if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
      if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
      return `${sign}${goFloat(v, 4)}s`;
    }
    let prefix = '';
    for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
    return `${goFloat(v, 4)}${prefix}s`;
  },
  humanizePercentage: (x) => `${goFloat(toFloat(x) * 100, 4)}%`,
  humanizeTimestamp: (x) => {
    const v = toFloat(x);
    if (!Number.isFinite(v)) return goFloat(v, 4);
    // Go prints time.Time as "2006-01-02 15:04:05.999999999 -0700 MST"; UTC here.
    return new Date(v * 1000).toISOString().replace('T', ' ').replace('Z', ' +0000 UTC');
  },
  toTime: (x) => new Date(toFloat(x) * 1000).toISOString(),
  title: (s) =>
    String(s).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase()),
  toUpper: (s) => String(s).toUpperCase(),
  toLower: (s) => String(s).toLowerCase(),
  match: (re, s) => new RegExp(String(re)).test(String(s)),
  reReplaceAll: (re, repl, s) =>
    String(s).replace(new RegExp(String(re), 'g'), String(repl).replace(/\$\{?(\w+)\}?/g, '$$<$1>')),
  stripPort: (s) => {
    const text = String(s);
    const m = /^\[(.*)\]:\d+$/.exec(text) ?? /^([^:]*):\d+$/.exec(text);
    return m ? m[1] : text;
  },
  stripDomain: (s) => {
    const text = String(s);
    const m = /^([^.:]+)[^:]*(:\d+)?$/.exec(text);
    return m && !/^\d+$/.test(m[1]!) ? m[1]! + (m[2] ?? '') : text;
  },
  safeHtml: (s) => String(s),
  urlquery: (...a) => encodeURIComponent(a.map(String).join('')),
  args: (...a) => Object.fromEntries(a.map((v, i) => [`arg${i}`, v])),
  parseDuration: (s) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)$/.exec(String(s));
    if (m === null) throw new Error(`not a valid duration string: "${String(s)}"`);
    const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[m[2]!]!;
    return Number(m[1]) * unit;
  },
  ...RESULT_FUNCS,
};

function toFloat(x: unknown): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'string') {
    const v = Number(x);
    if (x.trim() === '' || Number.isNaN(v)) {
      if (x === 'NaN') return NaN;
      throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(x)}: invalid syntax`);
    }
    return v;
  }
  if (typeof x === 'boolean') return x ? 1 : 0;
  throw new Error(`can't convert ${typeof x} to float`);
}
