import { labelsKey, METRIC_NAME, type Labels } from '../common/labels';
import { STALE_NAN } from '../common/sample';
import type { Engine, InstantSample } from '../promql/api';
import type { Querier, SeriesRef, Storage } from '../storage/api';
import type { GroupStatus, NotifierAlert, RuleStatus } from './api';
import { AlertingRule, type AlertContext } from './alerting-rule';
import type { TemplateSample } from './template';
import type { GroupDef, RuleDef } from './rule-file';
import { CycleQuerier } from './cycle-querier';
import type { SharedResultStore } from './shared-result-store';
import type { WindowCache } from './window-cache';

/** RecordingRule holds one recording rule's last outcome. */
export class RecordingRule {
  health: RuleStatus['health'] = 'unknown';
  lastError = '';
  lastEvaluation = 0;
  evaluationMs = 0;
  constructor(readonly def: RuleDef) {}

  /** eval renames the result to the recorded metric and applies the rule's labels (an empty value removes). */
  eval(result: InstantSample[], ts: number, limit: number): InstantSample[] {
    const seen = new Set<string>();
    const out = result.map((s) => {
      const labels: Record<string, string> = { ...s.labels, [METRIC_NAME]: this.def.name };
      for (const [k, v] of Object.entries(this.def.labels)) {
        if (v === '') delete labels[k];
        else labels[k] = v;
      }
      const key = labelsKey(labels);
      if (seen.has(key))
        throw new Error('vector contains metrics with the same labelset after applying rule labels');
      seen.add(key);
      return { labels, t: ts, v: s.v };
    });
    if (limit > 0 && out.length > limit)
      throw new Error(`exceeded limit of ${limit} with ${out.length} series`);
    return out;
  }
}

export type Rule = AlertingRule | RecordingRule;

/** KEYS memoises labelsKey per label-set object: alerts write the same objects every cycle. */
const KEYS = new WeakMap<Labels, string>();

function keyOf(labels: Labels): string {
  let k = KEYS.get(labels);
  if (k === undefined) KEYS.set(labels, (k = labelsKey(labels)));
  return k;
}

/** ALERT_METRICS are the series alerting rules write. */
const ALERT_METRICS = ['ALERTS', 'ALERTS_FOR_STATE'];

/** Written is a series a rule wrote, with the ref storage gave it. */
interface Written {
  labels: Labels;
  ref: SeriesRef;
}

/** GroupContext is what a group needs from its manager. */
export interface GroupContext extends AlertContext {
  engine: Engine;
  /**
   * engineFor builds an engine over another Querier; with it (and windows) each group evaluation reads
   * through a CycleQuerier over the shared WindowCache. Without it every rule queries `engine`.
   */
  engineFor?: (querier: Querier) => Engine;
  /** windows is the recent samples of the metrics rules read, shared by the groups (with engineFor). */
  windows?: WindowCache;
  /** results are subexpression results shared by the rules evaluated at one time (with windows). */
  results?: SharedResultStore;
  storage: Storage;
  /** resendDelayMs is how often a firing alert is re-sent to the notifier (Prometheus: 1m). */
  resendDelayMs: number;
  send(alerts: NotifierAlert[]): void;
  log(level: 'warn' | 'error', message: string): void;
}

/**
 * RuleGroup evaluates its rules in order at one timestamp, each seeing the series written by the rules
 * before it (each rule's output is committed on its own, as Prometheus does), and writes staleness markers
 * for series a rule produced last time but not this time.
 */
export class RuleGroup {
  readonly rules: Rule[];
  lastEvaluation = 0;
  evaluationMs = 0;
  /** previous holds, per rule, the series written last cycle with their storage refs (for staleness). */
  private previous: Map<string, Written>[];
  /** written are the metric names this group's rules write. */
  private readonly written: ReadonlySet<string>;

  constructor(
    readonly def: GroupDef,
    readonly intervalMs: number,
  ) {
    this.rules = def.rules.map((r) => (r.kind === 'alert' ? new AlertingRule(r) : new RecordingRule(r)));
    this.previous = this.rules.map(() => new Map());
    const written = new Set<string>();
    for (const r of def.rules)
      if (r.kind === 'alert') written.add('ALERTS').add('ALERTS_FOR_STATE');
      else written.add(r.name);
    this.written = written;
  }

  /** key identifies the group across reloads: file and name. */
  get key(): string {
    return `${this.def.file}\u0000${this.def.name}`;
  }

  /** evaluate runs every rule at ts; a failing rule is marked unhealthy and the others still run. */
  async evaluate(ts: number, ctx: GroupContext): Promise<void> {
    const start = performance.now();
    const engine =
      ctx.engineFor !== undefined && ctx.windows !== undefined
        ? ctx.engineFor(
            new CycleQuerier(ctx.storage.querier(), ctx.windows, this.written, ctx.results?.at(ts)),
          )
        : ctx.engine;
    // Templates' `query` runs at the evaluation time, over the same engine as the rules.
    const actx: AlertContext = { ...ctx, query: (expr) => templateQuery(engine, expr, ts) };
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      const t0 = performance.now();
      let samples: InstantSample[] = [];
      try {
        const res = await engine.instantQuery(rule.def.expr, ts);
        let vector: InstantSample[];
        if (res.value.type === 'vector') vector = res.value.samples;
        else if (res.value.type === 'scalar') vector = [{ labels: {}, t: ts, v: res.value.v }];
        else throw new Error('rule result is not a vector or scalar');
        samples =
          rule instanceof AlertingRule
            ? await rule.eval(vector, ts, actx, this.def.limit)
            : rule.eval(vector, ts, this.def.limit);
        rule.health = 'ok';
        rule.lastError = '';
      } catch (e) {
        rule.health = 'err';
        rule.lastError = e instanceof Error ? e.message : String(e);
        ctx.log('warn', `rule group "${this.def.name}", rule "${rule.def.name}": ${rule.lastError}`);
      }
      if (rule instanceof AlertingRule) {
        const due = rule.toSend(ts, ctx.resendDelayMs, this.intervalMs, ctx);
        if (due.length > 0) ctx.send(due);
      }
      await this.write(i, samples, ts, ctx);
      rule.lastEvaluation = ts;
      rule.evaluationMs = performance.now() - t0;
    }
    this.lastEvaluation = ts;
    this.evaluationMs = performance.now() - start;
  }

  /**
   * write appends a rule's samples plus staleness markers for its series that disappeared; a series
   * written last cycle is appended by its SeriesRef, so storage skips hashing its labels again.
   */
  private async write(i: number, samples: InstantSample[], ts: number, ctx: GroupContext): Promise<void> {
    const prev = this.previous[i]!;
    const now = new Map<string, Written>();
    const app = ctx.storage.appender();
    let refused = 0;
    /** appended are the samples storage took, for the window cache. */
    const appended: { labels: Labels; v: number }[] = [];
    const add = (labels: Labels, ref: SeriesRef, v: number): SeriesRef => {
      try {
        const got = app.append(ref, labels, ts, v);
        appended.push({ labels, v });
        return got;
      } catch {
        refused++;
        return 0;
      }
    };
    for (const s of samples) {
      const key = keyOf(s.labels);
      const ref = add(s.labels, prev.get(key)?.ref ?? 0, s.v);
      now.set(key, { labels: s.labels, ref });
    }
    for (const [k, w] of prev) if (!now.has(k)) add(w.labels, w.ref, STALE_NAN);
    this.previous[i] = now;
    let committed = true;
    try {
      await app.commit();
    } catch (e) {
      committed = false;
      ctx.log('error', `rule group "${this.def.name}": writing results: ${String(e)}`);
    }
    // Later rules (of this group and others) read what was just written, not the window of before.
    if (ctx.windows !== undefined && (now.size > 0 || prev.size > 0)) {
      const names = this.rules[i]!.def.kind === 'alert' ? ALERT_METRICS : [this.rules[i]!.def.name];
      for (const name of names)
        if (committed)
          ctx.windows.wrote(
            name,
            ts,
            appended.filter((s) => s.labels[METRIC_NAME] === name),
          );
        else ctx.windows.invalidate(name, ts);
    }
    if (refused > 0)
      ctx.log(
        'warn',
        `rule group "${this.def.name}": storage refused ${refused} samples (out of order or duplicate)`,
      );
  }

  /** staleAll writes staleness markers for every series this group wrote last (on removal or shutdown). */
  async staleAll(ts: number, ctx: GroupContext): Promise<void> {
    for (let i = 0; i < this.rules.length; i++) await this.write(i, [], ts, ctx);
  }

  status(): GroupStatus {
    return {
      name: this.def.name,
      file: this.def.file,
      intervalMs: this.intervalMs,
      lastEvaluation: this.lastEvaluation,
      evaluationMs: this.evaluationMs,
      rules: this.rules.map((r) => ({
        type: r instanceof AlertingRule ? 'alerting' : 'recording',
        name: r.def.name,
        query: r.def.expr,
        durationMs: r.def.forMs,
        keepFiringForMs: r.def.keepFiringForMs,
        labels: r.def.labels,
        annotations: r.def.annotations,
        alerts: r instanceof AlertingRule ? [...r.active.values()].filter((a) => a.state !== 'inactive') : [],
        health: r.health,
        lastError: r.lastError,
        lastEvaluation: r.lastEvaluation,
        evaluationMs: r.evaluationMs,
      })),
    };
  }
}

/** templateQuery runs a template's `query`: a vector's samples, a scalar as one sample without labels. */
async function templateQuery(engine: Engine, expr: string, ts: number): Promise<TemplateSample[]> {
  const r = await engine.instantQuery(expr, ts);
  if (r.value.type === 'vector') return r.value.samples.map((s) => ({ Labels: s.labels, Value: s.v }));
  if (r.value.type === 'scalar') return [{ Labels: {}, Value: r.value.v }];
  throw new Error(`query result is a ${r.value.type}, not a vector or a scalar`);
}
