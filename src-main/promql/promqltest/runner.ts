import { labelsKey, formatSeries, type Labels } from '../../common/labels';
import { STALE_NAN } from '../../common/sample';
import type { Storage } from '../../storage/api';
import type { Engine, PromValue, QueryResult } from '../api';
import { createEngine } from '../engine';
import { atModifierVariants, type AtVariant } from './at-modifier';
import { parseScript, type EvalCmd, type LoadCmd } from './script';
import { expandLoadValues, expandValues, parseSeriesDesc, type SeriesValue } from './series';
import { SKIPPED_FILES, skipReason } from './skips';

/** TestStorage is the storage a script runs against: a Storage that `clear` can empty. */
export interface TestStorage extends Storage {
  clear(): void;
}

/** CaseOutcome is the result of one eval command. */
export interface CaseOutcome {
  line: number;
  expr: string;
  status: 'passed' | 'skipped' | 'failed';
  detail?: string;
}

/** ScriptState tracks what a skip rule may look at: metric names loaded as native histograms. */
export interface ScriptState {
  file: string;
  /** histogramSeries are the series with native histogram points since the last clear, with their times. */
  histogramSeries: { labels: Labels; times: number[] }[];
}

const EPSILON = 1e-6;

function almostEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < 2.2250738585072014e-308) return diff < EPSILON * 2.2250738585072014e-308;
  return diff / Math.min(absSum, Number.MAX_VALUE) < EPSILON;
}

async function load(storage: TestStorage, cmd: LoadCmd, state: ScriptState): Promise<void> {
  // As in promqltest, a series defined twice in one load keeps its last definition.
  const defs = new Map<string, { labels: Labels; values: SeriesValue[] }>();
  for (const line of cmd.series) {
    const { labels, rest } = parseSeriesDesc(line);
    const all = expandLoadValues(rest);
    const times = all.flatMap((v, i) => (v === 'histogram' ? [i * cmd.intervalMs] : []));
    // Native histogram points are not loaded (Vigie stores floats); the skip rules avoid cases that read them.
    if (times.length > 0) state.histogramSeries.push({ labels, times });
    if (cmd.nhcb && labels.__name__ !== undefined && /_(bucket|count|sum)$/.test(labels.__name__)) {
      // load_with_nhcb also stores the classic histogram as one native histogram series without le.
      const { le: _le, ...rest2 } = labels;
      state.histogramSeries.push({
        labels: { ...rest2, __name__: labels.__name__.replace(/_(bucket|count|sum)$/, '') },
        times: all.flatMap((v, i) => (v === null ? [] : [i * cmd.intervalMs])),
      });
    }
    const values = all.map((v) => (v === 'histogram' ? null : v));
    defs.set(labelsKey(labels), { labels, values });
  }
  const app = storage.appender();
  for (const { labels, values } of defs.values())
    values.forEach((v, i) => {
      if (v === null) return;
      app.append(0, labels, i * cmd.intervalMs, v === 'stale' ? STALE_NAN : v);
    });
  await app.commit();
}

interface ExpectedSeries {
  labels: Labels | null;
  values: SeriesValue[];
}

function parseExpected(lines: string[]): ExpectedSeries[] {
  return lines.map((l) => {
    if (/^[-+]?(\d|\.|inf|nan)/i.test(l) && !l.startsWith('{'))
      return { labels: null, values: expandValues(l) };
    const { labels, rest } = parseSeriesDesc(l);
    return { labels, values: expandValues(rest) };
  });
}

/** checkAnnotations applies the expect warn/info/no_warn/no_info lines to a result. */
function checkAnnotations(cmd: EvalCmd, res: QueryResult): string | null {
  for (const [kind, list] of [
    ['warn', res.warnings],
    ['info', res.infos],
  ] as const) {
    const exps = cmd.expects.filter((e) => e.type === kind);
    if (cmd.expects.some((e) => e.type === `no_${kind}`) && list.length > 0)
      return `unexpected ${kind} annotations: ${list.join('; ')}`;
    if (exps.length === 0) continue;
    if (list.length === 0) return `expected ${kind} annotation, got none`;
    const matchOne = (e: (typeof exps)[number], a: string): boolean =>
      e.match === undefined ? true : e.match === 'msg' ? a === e.text : new RegExp(e.text!).test(a);
    for (const e of exps)
      if (!list.some((a) => matchOne(e, a)))
        return `no ${kind} annotation matches ${JSON.stringify(e.text)}: got ${list.join('; ')}`;
    if (exps.some((e) => e.match !== undefined))
      for (const a of list)
        if (!exps.some((e) => matchOne(e, a))) return `unexpected ${kind} annotation: ${a}`;
  }
  return null;
}

function checkFailure(cmd: EvalCmd, err: Error): string | null {
  const exp = cmd.expects.find((e) => e.type === 'fail')!;
  if (exp.match === undefined) return null;
  const text = exp.text!.replace(/^"(.*)"$/, '$1');
  if (exp.match === 'msg')
    return err.message === text
      ? null
      : `expected error ${JSON.stringify(text)}, got ${JSON.stringify(err.message)}`;
  return new RegExp(text).test(err.message)
    ? null
    : `error ${JSON.stringify(err.message)} does not match /${text}/`;
}

/** compareInstant checks a vector or scalar result against the expected lines. */
function compareResult(cmd: EvalCmd, value: PromValue, ordered: boolean): string | null {
  const expected = parseExpected(cmd.results);
  if (cmd.expectString !== undefined) {
    if (value.type !== 'string') return `expected string, got ${value.type}`;
    return value.v === cmd.expectString
      ? null
      : `expected string ${JSON.stringify(cmd.expectString)}, got ${JSON.stringify(value.v)}`;
  }
  if (value.type === 'scalar') {
    if (expected.length !== 1 || expected[0]!.labels !== null)
      return `expected a vector, got scalar ${value.v}`;
    return almostEqual(expected[0]!.values[0] as number, value.v)
      ? null
      : `expected scalar ${expected[0]!.values[0]}, got ${value.v}`;
  }
  if (value.type === 'vector') {
    if (expected.some((e) => e.labels === null)) return `expected scalar, got vector`;
    if (expected.length !== value.samples.length)
      return `expected ${expected.length} samples, got ${value.samples.length}: ${value.samples.map((s) => `${formatSeries(s.labels)} ${s.v}`).join(', ')}`;
    const byKey = new Map(value.samples.map((s, i) => [labelsKey(s.labels), { s, i }]));
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i]!;
      const got = byKey.get(labelsKey(e.labels!));
      if (got === undefined) return `expected series ${formatSeries(e.labels!)} not found`;
      if (ordered && got.i !== i) return `expected ${formatSeries(e.labels!)} at position ${i}, got ${got.i}`;
      if (!almostEqual(e.values[0] as number, got.s.v))
        return `${formatSeries(e.labels!)}: expected ${e.values[0]}, got ${got.s.v}`;
    }
    return null;
  }
  if (value.type === 'matrix') {
    if (expected.length !== value.series.length)
      return `expected ${expected.length} series, got ${value.series.length}: ${value.series.map((s) => formatSeries(s.labels)).join(', ')}`;
    const byKey = new Map(value.series.map((s) => [labelsKey(s.labels), s]));
    const [start, step] = cmd.expectRange
      ? [cmd.expectRange.start, cmd.expectRange.step]
      : [cmd.start, cmd.step];
    for (const e of expected) {
      const got = byKey.get(labelsKey(e.labels ?? {}));
      if (got === undefined) return `expected series ${formatSeries(e.labels ?? {})} not found`;
      const want: [number, number][] = [];
      e.values.forEach((v, i) => {
        if (v !== null && v !== 'stale') want.push([start + i * step, v]);
      });
      const desc = `${formatSeries(got.labels)}: expected ${want.map((p) => `${p[1]}@${p[0]}`).join(' ')}, got ${got.t.map((t, i) => `${got.v[i]}@${t}`).join(' ')}`;
      if (want.length !== got.t.length) return desc;
      for (let i = 0; i < want.length; i++)
        if (want[i]![0] !== got.t[i] || !almostEqual(want[i]![1], got.v[i]!)) return desc;
    }
    return null;
  }
  return `unexpected result type ${value.type}`;
}

const CONTEXT_FUNCS = /\b(range|step|start|end)\(\)/;

async function runEval(storage: TestStorage, cmd: EvalCmd): Promise<string | null> {
  const engine = createEngine(storage.querier(), { maxSamples: 50e6 });
  if (!cmd.instant) return checkQuery(engine, cmd, cmd.expr, cmd.start);
  const first = await checkQuery(engine, cmd, cmd.expr, cmd.start);
  if (first !== null) return first;
  let variants: AtVariant[];
  try {
    variants = atModifierVariants(cmd.expr, cmd.start);
  } catch {
    return null; // The query does not parse: its expected failure was checked above.
  }
  for (const v of variants) {
    const err = await checkQuery(engine, cmd, v.expr, v.evalTime);
    if (err !== null) return `with @ pinned (${v.expr} at ${v.evalTime}ms): ${err}`;
  }
  return null;
}

/** checkQuery runs one query of an eval command and checks its outcome against the expectations. */
async function checkQuery(engine: Engine, cmd: EvalCmd, expr: string, t: number): Promise<string | null> {
  const fail = cmd.expects.some((e) => e.type === 'fail');
  let res: QueryResult;
  try {
    res = cmd.instant
      ? await engine.instantQuery(expr, t)
      : await engine.rangeQuery(expr, cmd.start, cmd.end, cmd.step);
  } catch (err) {
    if (fail) return checkFailure(cmd, err as Error);
    return `query failed: ${(err as Error).message}`;
  }
  if (fail) return 'expected the query to fail, it succeeded';
  const annErr = checkAnnotations(cmd, res);
  if (annErr !== null) return annErr;
  const ordered = cmd.expects.some((e) => e.type === 'ordered');
  const cmpErr = compareResult(cmd, res.value, ordered);
  if (cmpErr !== null) return cmpErr;
  // Like promqltest, an instant query must give the same answer as the middle step of a range query.
  if (!cmd.instant || ordered || CONTEXT_FUNCS.test(expr)) return null;
  if (res.value.type !== 'vector' && res.value.type !== 'scalar') return null;
  let rr: QueryResult;
  try {
    rr = await engine.rangeQuery(expr, t - 60_000, t + 60_000, 60_000);
  } catch (err) {
    return `range-mode query failed: ${(err as Error).message}`;
  }
  if (rr.value.type !== 'matrix') return 'range-mode query did not return a matrix';
  const mid: { labels: Labels; v: number }[] = [];
  for (const s of rr.value.series) {
    const i = s.t.indexOf(t);
    if (i >= 0) mid.push({ labels: s.labels, v: s.v[i]! });
  }
  const inst = res.value.type === 'scalar' ? [{ labels: {}, v: res.value.v }] : res.value.samples;
  if (mid.length !== inst.length)
    return `range mode gave ${mid.length} series at the middle step, instant gave ${inst.length}`;
  const byKey = new Map(mid.map((s) => [labelsKey(s.labels), s.v]));
  for (const s of inst) {
    const v = byKey.get(labelsKey(s.labels));
    if (v === undefined || !almostEqual(v, s.v))
      return `range mode differs for ${formatSeries(s.labels)}: ${v} vs ${s.v}`;
  }
  return null;
}

/** runScript runs every command of a promqltest script and reports each eval's outcome. */
export async function runScript(file: string, text: string, storage: TestStorage): Promise<CaseOutcome[]> {
  const state: ScriptState = { file, histogramSeries: [] };
  const out: CaseOutcome[] = [];
  const fileSkip = SKIPPED_FILES.get(file);
  if (fileSkip !== undefined) {
    // Not even loaded (their data may use syntax Vigie does not read), but every case is counted.
    text.split('\n').forEach((l, i) => {
      if (/^eval/.test(l.trim()))
        out.push({ line: i + 1, expr: l.trim(), status: 'skipped', detail: fileSkip });
    });
    return out;
  }
  storage.clear();
  let loadError: string | null = null;
  for (const cmd of parseScript(text)) {
    if (cmd.kind === 'clear') {
      storage.clear();
      state.histogramSeries = [];
      loadError = null;
    } else if (cmd.kind === 'load') {
      try {
        await load(storage, cmd, state);
      } catch (e) {
        loadError = `load at line ${cmd.line} failed: ${(e as Error).message}`;
      }
    } else {
      if (loadError !== null) {
        out.push({ line: cmd.line, expr: cmd.expr, status: 'failed', detail: loadError });
        continue;
      }
      const reason = skipReason(state, cmd);
      if (reason !== null) {
        out.push({ line: cmd.line, expr: cmd.expr, status: 'skipped', detail: reason });
        continue;
      }
      let err: string | null;
      try {
        err = await runEval(storage, cmd);
      } catch (e) {
        err = `runner error: ${(e as Error).message}`;
      }
      out.push({
        line: cmd.line,
        expr: cmd.expr,
        status: err === null ? 'passed' : 'failed',
        ...(err !== null ? { detail: err } : {}),
      });
    }
  }
  return out;
}
