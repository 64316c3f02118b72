import { labelsKey, METRIC_NAME, type Labels } from '../common/labels';
import { STALE_NAN } from '../common/sample';
import type { Engine, InstantSample } from '../promql/api';
import type { Storage } from '../storage/api';
import type { GroupStatus, NotifierAlert, RuleStatus } from './api';
import { AlertingRule, type AlertContext } from './alerting-rule';
import type { GroupDef, RuleDef } from './rule-file';

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

/** GroupContext is what a group needs from its manager. */
export interface GroupContext extends AlertContext {
  engine: Engine;
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
  private previous: Map<string, Labels>[];

  constructor(
    readonly def: GroupDef,
    readonly intervalMs: number,
  ) {
    this.rules = def.rules.map((r) => (r.kind === 'alert' ? new AlertingRule(r) : new RecordingRule(r)));
    this.previous = this.rules.map(() => new Map());
  }

  /** key identifies the group across reloads: file and name. */
  get key(): string {
    return `${this.def.file}\u0000${this.def.name}`;
  }

  /** evaluate runs every rule at ts; a failing rule is marked unhealthy and the others still run. */
  async evaluate(ts: number, ctx: GroupContext): Promise<void> {
    const start = performance.now();
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      const t0 = performance.now();
      let samples: InstantSample[] = [];
      try {
        const res = await ctx.engine.instantQuery(rule.def.expr, ts);
        let vector: InstantSample[];
        if (res.value.type === 'vector') vector = res.value.samples;
        else if (res.value.type === 'scalar') vector = [{ labels: {}, t: ts, v: res.value.v }];
        else throw new Error('rule result is not a vector or scalar');
        samples =
          rule instanceof AlertingRule
            ? rule.eval(vector, ts, ctx, this.def.limit)
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

  /** write appends a rule's samples plus staleness markers for its series that disappeared. */
  private async write(i: number, samples: InstantSample[], ts: number, ctx: GroupContext): Promise<void> {
    const now = new Map<string, Labels>();
    const app = ctx.storage.appender();
    let refused = 0;
    const add = (labels: Labels, v: number): void => {
      try {
        app.append(0, labels, ts, v);
      } catch {
        refused++;
      }
    };
    for (const s of samples) {
      now.set(labelsKey(s.labels), s.labels);
      add(s.labels, s.v);
    }
    for (const [k, labels] of this.previous[i]!) if (!now.has(k)) add(labels, STALE_NAN);
    this.previous[i] = now;
    try {
      await app.commit();
    } catch (e) {
      ctx.log('error', `rule group "${this.def.name}": writing results: ${String(e)}`);
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
