import { LABEL_NAME_RE, labelsKey, type Labels } from '../common/labels';
import { anchoredRegex } from '../common/matcher';
import { unwrapParens, type Call, type Expr } from './ast';
import { evalError, warn } from './context';
import type { Evaluator } from './evaluator';
import { evalHistogramFunction, HISTOGRAM_FUNCTIONS } from './histogram';
import { translateRE2 } from './re2';
import { counterInfo, KEEPS_NAME, RANGE_FUNCTIONS, WINDOW_FUNCTIONS } from './range-functions';
import type { MSeries, Value, VSample } from './values';

const MATH: Record<string, (x: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sqrt: Math.sqrt,
  sgn: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  deg: (x) => (x * 180) / Math.PI,
  rad: (x) => (x * Math.PI) / 180,
  acos: Math.acos,
  acosh: Math.acosh,
  asin: Math.asin,
  asinh: Math.asinh,
  atan: Math.atan,
  atanh: Math.atanh,
  cos: Math.cos,
  cosh: Math.cosh,
  sin: Math.sin,
  sinh: Math.sinh,
  tan: Math.tan,
  tanh: Math.tanh,
};

const DATE: Record<string, (d: Date) => number> = {
  day_of_month: (d) => d.getUTCDate(),
  day_of_week: (d) => d.getUTCDay(),
  day_of_year: (d) => Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
  days_in_month: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  hour: (d) => d.getUTCHours(),
  minute: (d) => d.getUTCMinutes(),
  month: (d) => d.getUTCMonth() + 1,
  year: (d) => d.getUTCFullYear(),
};

/** rangeWindow is the end time and length of the window a range-vector argument covers at ts. */
function rangeWindow(ev: Evaluator, arg: Expr, ts: number): [number, number] {
  const a = unwrapParens(arg);
  if (a.kind === 'matrixSelector') return [ev.selectorTime(a.vector, ts), a.rangeMs];
  if (a.kind === 'subquery') return [ev.selectorTime(a, ts), a.rangeMs];
  throw evalError('expected a range vector selector or subquery');
}

const mapValues = (samples: VSample[], f: (v: number, s: VSample) => number): VSample[] =>
  samples.map((s) => ({ ...s, v: f(s.v, s), dropName: true }));

/** evalCall evaluates a function call at one time. */
export function evalCall(ev: Evaluator, e: Call, ts: number): Value {
  const vec = (samples: VSample[]): Value => ({ type: 'vector', samples });
  const fn = e.func;
  const rangeFn = RANGE_FUNCTIONS.get(fn);
  if (rangeFn !== undefined) {
    const window = WINDOW_FUNCTIONS.get(fn);
    const arg = unwrapParens(e.args[0]!);
    if (window !== undefined && arg.kind === 'matrixSelector') return vec(ev.windowCall(e, arg, window, ts));
    const mi = fn === 'quantile_over_time' ? 1 : 0;
    const scalars = e.args.filter((_, i) => i !== mi).map((a) => ev.evalScalar(a, ts));
    const series = ev.evalMatrix(e.args[mi]!, ts);
    const [end, range] = rangeWindow(ev, e.args[mi]!, ts);
    if (fn === 'quantile_over_time' && !(scalars[0]! >= 0 && scalars[0]! <= 1))
      warn(ev.ctx, `quantile value should be between 0 and 1, got ${scalars[0]}`, e.args[0]!.start);
    const out: VSample[] = [];
    for (const s of series) {
      if (s.t.length === 0) continue;
      counterInfo(ev.ctx, e, s);
      const v = rangeFn(s, end, range, scalars, ts);
      if (v === null) continue;
      out.push({ labels: s.labels, v, ts, dropName: s.dropName || !KEEPS_NAME.has(fn) });
    }
    return vec(out);
  }
  if (fn === 'absent_over_time') {
    const series = ev.evalMatrix(e.args[0]!, ts);
    return vec(series.length > 0 ? [] : [{ labels: absentLabels(e.args[0]!), v: 1, ts, dropName: false }]);
  }
  if (fn === 'absent') {
    const samples = ev.evalVector(e.args[0]!, ts);
    return vec(samples.length > 0 ? [] : [{ labels: absentLabels(e.args[0]!), v: 1, ts, dropName: false }]);
  }
  const math = MATH[fn];
  if (math !== undefined) return vec(mapValues(ev.evalVector(e.args[0]!, ts), math));
  const date = DATE[fn];
  if (date !== undefined) {
    if (e.args.length === 0) return vec([{ labels: {}, v: date(new Date(ts)), ts, dropName: false }]);
    return vec(
      mapValues(ev.evalVector(e.args[0]!, ts), (v) => (Number.isNaN(v) ? NaN : date(new Date(v * 1000)))),
    );
  }
  if (HISTOGRAM_FUNCTIONS.has(fn)) return evalHistogramFunction(ev, e, ts);
  switch (fn) {
    case 'time':
      return { type: 'scalar', v: ts / 1000 };
    case 'pi':
      return { type: 'scalar', v: Math.PI };
    case 'vector':
      return vec([{ labels: {}, v: ev.evalScalar(e.args[0]!, ts), ts, dropName: false }]);
    case 'scalar': {
      const s = ev.evalVector(e.args[0]!, ts);
      return { type: 'scalar', v: s.length === 1 ? s[0]!.v : NaN };
    }
    case 'timestamp': {
      const direct = unwrapParens(e.args[0]!).kind === 'vectorSelector';
      return vec(mapValues(ev.evalVector(e.args[0]!, ts), (_v, s) => (direct ? s.ts : ts) / 1000));
    }
    case 'clamp': {
      const lo = ev.evalScalar(e.args[1]!, ts);
      const hi = ev.evalScalar(e.args[2]!, ts);
      const s = ev.evalVector(e.args[0]!, ts);
      if (lo > hi) return vec([]);
      return vec(mapValues(s, (v) => Math.max(lo, Math.min(hi, v))));
    }
    case 'clamp_min':
    case 'clamp_max': {
      const b = ev.evalScalar(e.args[1]!, ts);
      const s = ev.evalVector(e.args[0]!, ts);
      return vec(
        mapValues(s, (v) =>
          Number.isNaN(b) || Number.isNaN(v) ? NaN : fn === 'clamp_min' ? Math.max(b, v) : Math.min(b, v),
        ),
      );
    }
    case 'round': {
      const to = e.args.length > 1 ? ev.evalScalar(e.args[1]!, ts) : 1;
      const inv = 1 / to;
      return vec(mapValues(ev.evalVector(e.args[0]!, ts), (v) => Math.floor(v * inv + 0.5) / inv));
    }
    case 'sort':
    case 'sort_desc': {
      if (ev.ctx.step > 0)
        warn(
          ev.ctx,
          'sort is ineffective for range queries since results are always ordered by labels',
          e.start,
        );
      const s = [...ev.evalVector(e.args[0]!, ts)];
      const desc = fn === 'sort_desc';
      return vec(s.sort((a, b) => sortValue(a.v, b.v, desc)));
    }
    case 'sort_by_label':
    case 'sort_by_label_desc': {
      if (ev.ctx.step > 0)
        warn(
          ev.ctx,
          'sort is ineffective for range queries since results are always ordered by labels',
          e.start,
        );
      const names = e.args.slice(1).map((a) => ev.evalString(a, ts));
      const s = [...ev.evalVector(e.args[0]!, ts)];
      const desc = fn === 'sort_by_label_desc';
      return vec(s.sort((a, b) => sortByLabels(a.labels, b.labels, names) * (desc ? -1 : 1)));
    }
    case 'label_replace':
      return vec(labelReplace(ev, e, ts));
    case 'label_join':
      return vec(labelJoin(ev, e, ts));
  }
  throw evalError(`function "${fn}" is not supported`);
}

function sortValue(a: number, b: number, desc: boolean): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return desc ? b - a : a - b;
}

/** naturalCompare orders label values the way Prometheus's sort_by_label does (natural sort). */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function sortByLabels(a: Labels, b: Labels, names: string[]): number {
  for (const n of names) {
    const c = naturalCompare(a[n] ?? '', b[n] ?? '');
    if (c !== 0) return c;
  }
  const ka = labelsKey(a);
  const kb = labelsKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** absentLabels derives absent()'s output labels from the equality matchers of a selector argument. */
function absentLabels(arg: Expr): Labels {
  let a = unwrapParens(arg);
  if (a.kind === 'matrixSelector') a = a.vector;
  if (a.kind === 'subquery') return {};
  if (a.kind !== 'vectorSelector') return {};
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const m of a.matchers) {
    if (m.name === '__name__') continue;
    if (m.type === '=' && !seen.has(m.name)) out[m.name] = m.value;
    else delete out[m.name];
    seen.add(m.name);
  }
  return out;
}

function labelReplace(ev: Evaluator, e: Call, ts: number): VSample[] {
  const [dst, repl, src, re] = e.args.slice(1).map((a) => ev.evalString(a, ts)) as [
    string,
    string,
    string,
    string,
  ];
  let regex: RegExp;
  try {
    regex = anchoredRegex(translateRE2(re));
  } catch (err) {
    throw evalError(`invalid regular expression in label_replace(): ${re}: ${(err as Error).message}`);
  }
  if (!LABEL_NAME_RE.test(dst) && dst !== '__name__')
    throw evalError(`invalid destination label name in label_replace(): ${dst}`);
  return ev.evalVector(e.args[0]!, ts).map((s) => {
    const m = regex.exec(s.labels[src] ?? '');
    if (m === null) return s;
    const value = expandTemplate(repl, m);
    const labels: Record<string, string> = { ...s.labels };
    if (value === '') delete labels[dst];
    else labels[dst] = value;
    return { ...s, labels, dropName: dst === '__name__' ? false : s.dropName };
  });
}

/** expandTemplate expands $1, ${1}, $name and ${name} in a label_replace replacement, as Go's regexp does. */
function expandTemplate(tpl: string, m: RegExpExecArray): string {
  return tpl.replace(/\$(\$|\{(\w+)\}|(\w+))/g, (_all, tok: string, braced?: string, bare?: string) => {
    if (tok === '$') return '$';
    const name = braced ?? bare ?? '';
    if (/^\d+$/.test(name)) return m[Number(name)] ?? '';
    return m.groups?.[name] ?? '';
  });
}

function labelJoin(ev: Evaluator, e: Call, ts: number): VSample[] {
  const [dst, sep, ...srcs] = e.args.slice(1).map((a) => ev.evalString(a, ts)) as [
    string,
    string,
    ...string[],
  ];
  if (!LABEL_NAME_RE.test(dst) && dst !== '__name__')
    throw evalError(`invalid destination label name in label_join(): ${dst}`);
  for (const s of srcs)
    if (!LABEL_NAME_RE.test(s) && s !== '__name__')
      throw evalError(`invalid source label name in label_join(): ${s}`);
  return ev.evalVector(e.args[0]!, ts).map((s) => {
    const value = srcs.map((n) => s.labels[n] ?? '').join(sep);
    const labels: Record<string, string> = { ...s.labels };
    if (value === '') delete labels[dst];
    else labels[dst] = value;
    return { ...s, labels, dropName: dst === '__name__' ? false : s.dropName };
  });
}

export type { MSeries };
