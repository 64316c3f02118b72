import { labelsKey, METRIC_NAME, type Labels } from '../common/labels';
import type { InstantSample } from '../promql/api';
import type { ActiveAlert, NotifierAlert, RuleHealth } from './api';
import type { RuleDef } from './rule-file';
import { CompiledTemplate, type TemplateData, type TemplateQuery } from './template';

/** RESOLVED_RETENTION_MS keeps a resolved alert around (and re-sent as resolved) for 15 min, as Prometheus. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/** Identity is what an alert's series decides: its labels before and after the label templates, and key. */
interface Identity {
  base: Labels;
  labels: Labels;
  key: string;
}

/** AlertSeries are the label sets of the ALERTS and ALERTS_FOR_STATE series an alert writes. */
interface AlertSeries {
  pending: Labels;
  firing: Labels;
  forState: Labels;
}

/** SERIES memoises each alert's AlertSeries by its labels object, which lasts as long as the alert. */
const SERIES = new WeakMap<Labels, AlertSeries>();

/** seriesOf gives the same label objects every cycle, so that writing them skips hashing (rule-group). */
function seriesOf(a: ActiveAlert): AlertSeries {
  let s = SERIES.get(a.labels);
  if (s === undefined) {
    s = {
      pending: { ...a.labels, [METRIC_NAME]: 'ALERTS', alertstate: 'pending' },
      firing: { ...a.labels, [METRIC_NAME]: 'ALERTS', alertstate: 'firing' },
      forState: { ...a.labels, [METRIC_NAME]: 'ALERTS_FOR_STATE' },
    };
    SERIES.set(a.labels, s);
  }
  return s;
}

/** AlertContext is what templates and notifications need from outside the rule. */
export interface AlertContext {
  externalLabels: Labels;
  externalURL: string;
  /** query runs a template's `query` at the evaluation time; without it `query` renders an error text. */
  query?: TemplateQuery;
}

/**
 * AlertingRule runs Prometheus's alert state machine (rules/alerting.go): a series returned by the
 * expression becomes a pending alert, firing once it has been returned for `for`; when it is no longer
 * returned it resolves at once, or after `keep_firing_for` when set. Resolved alerts are kept 15 min so the
 * notifier hears about the resolution even across an outage.
 */
export class AlertingRule {
  readonly active = new Map<string, ActiveAlert>();
  health: RuleHealth = 'unknown';
  lastError = '';
  lastEvaluation = 0;
  evaluationMs = 0;
  private readonly labelTemplates: [string, CompiledTemplate][];
  private readonly annotationTemplates: [string, CompiledTemplate][];
  /** usesQuery: some template calls `query`, so expansion awaits queries. */
  private readonly usesQuery: boolean;
  /** fixedLabels: no label template has an action, so an alert's labels depend on its series only. */
  private readonly fixedLabels: boolean;
  /**
   * identities memoises, per result label set (the engine hands out the same object every cycle), the
   * alert's labels and key when fixedLabels: a firing alert otherwise rebuilds and hashes them each cycle.
   */
  private readonly identities = new WeakMap<Labels, Identity>();

  constructor(readonly def: RuleDef) {
    const name = `__alert_${def.name}`;
    this.labelTemplates = Object.entries(def.labels).map(([k, v]) => [k, CompiledTemplate.compile(name, v)]);
    this.annotationTemplates = Object.entries(def.annotations).map(([k, v]) => [
      k,
      CompiledTemplate.compile(name, v),
    ]);
    this.usesQuery = [...this.labelTemplates, ...this.annotationTemplates].some(([, t]) => t.usesQuery);
    this.fixedLabels = Object.values(def.labels).every((v) => !v.includes('{{'));
  }

  /** identity is an alert's base labels (the series' without __name__), labels and key. */
  private async identity(s: InstantSample, ctx: AlertContext): Promise<Identity> {
    let id = this.fixedLabels ? this.identities.get(s.labels) : undefined;
    if (id !== undefined) return id;
    const base: Record<string, string> = {};
    for (const k in s.labels) if (k !== METRIC_NAME) base[k] = s.labels[k]!;
    const data: TemplateData = { ...this.dataFor(base, ctx), value: s.v };
    const labels: Record<string, string> = { ...base };
    for (const [k, t] of this.labelTemplates) {
      const v = await this.expand(t, data, ctx);
      if (v === '') delete labels[k];
      else labels[k] = v;
    }
    labels.alertname = this.def.name;
    id = { base, labels, key: labelsKey(labels) };
    if (this.fixedLabels) this.identities.set(s.labels, id);
    return id;
  }

  private dataFor(base: Labels, ctx: AlertContext): Omit<TemplateData, 'value'> {
    return { labels: base, externalLabels: ctx.externalLabels, externalURL: ctx.externalURL };
  }

  private expand(t: CompiledTemplate, data: TemplateData, ctx: AlertContext): string | Promise<string> {
    if (!this.usesQuery || !t.usesQuery) return t.expand(data);
    const q = ctx.query;
    return q !== undefined ? t.expandAsync(data, q) : t.expand(data);
  }

  /**
   * eval advances the state machine with one evaluation's result at time ts and returns the ALERTS and
   * ALERTS_FOR_STATE samples to write. Throws when the result breaks the group's limit or has duplicates.
   */
  async eval(
    result: InstantSample[],
    ts: number,
    ctx: AlertContext,
    limit: number,
  ): Promise<InstantSample[]> {
    const seen = new Set<string>();
    for (const s of result) {
      const { base, labels, key } = await this.identity(s, ctx);
      const data: TemplateData = { ...this.dataFor(base, ctx), value: s.v };
      const annotations: Record<string, string> = {};
      for (const [k, t] of this.annotationTemplates) annotations[k] = await this.expand(t, data, ctx);
      if (seen.has(key))
        throw new Error('vector contains metrics with the same labelset after applying alert labels');
      seen.add(key);
      const a = this.active.get(key);
      if (a !== undefined && a.state !== 'inactive') {
        a.value = s.v;
        a.annotations = annotations;
        continue;
      }
      this.active.set(key, {
        labels,
        annotations,
        state: 'pending',
        activeAt: ts,
        firedAt: 0,
        resolvedAt: 0,
        keepFiringSince: 0,
        value: s.v,
        lastSentAt: 0,
      });
    }
    const out: InstantSample[] = [];
    let activeCount = 0;
    for (const [key, a] of this.active) {
      if (!seen.has(key)) {
        let keepFiring = false;
        if (a.state === 'firing' && this.def.keepFiringForMs > 0) {
          if (a.keepFiringSince === 0) a.keepFiringSince = ts;
          if (ts - a.keepFiringSince < this.def.keepFiringForMs) keepFiring = true;
        }
        if (a.state === 'pending' || (a.resolvedAt !== 0 && ts - a.resolvedAt > RESOLVED_RETENTION_MS))
          this.active.delete(key);
        if (a.state !== 'inactive' && !keepFiring) {
          a.state = 'inactive';
          a.resolvedAt = ts;
        }
        if (!keepFiring) continue;
      } else a.keepFiringSince = 0;
      activeCount++;
      if (a.state === 'pending' && ts - a.activeAt >= this.def.forMs) {
        a.state = 'firing';
        a.firedAt = ts;
      }
      const series = seriesOf(a);
      out.push({ labels: a.state === 'firing' ? series.firing : series.pending, t: ts, v: 1 });
      out.push({ labels: series.forState, t: ts, v: Math.floor(a.activeAt / 1000) });
    }
    if (limit > 0 && activeCount > limit) {
      this.active.clear();
      throw new Error(`exceeded limit of ${limit} with ${activeCount} alerts`);
    }
    return out;
  }

  /**
   * toSend lists the alerts due for the notifier at ts, as Prometheus's sendAlerts: firing alerts every
   * resendDelay, resolved ones once after resolution (and while retained). endsAt of a firing alert is a
   * lease of 4 × max(resendDelay, interval) so a silent Vigie lets them expire rather than fire forever.
   */
  toSend(ts: number, resendDelayMs: number, intervalMs: number, ctx: AlertContext): NotifierAlert[] {
    const out: NotifierAlert[] = [];
    for (const a of this.active.values()) {
      if (a.state === 'pending') continue;
      const due = a.resolvedAt > a.lastSentAt || a.lastSentAt + resendDelayMs < ts;
      if (!due) continue;
      out.push({
        labels: { ...ctx.externalLabels, ...a.labels },
        annotations: a.annotations,
        startsAt: a.firedAt || a.activeAt,
        endsAt: a.state === 'inactive' ? a.resolvedAt : ts + 4 * Math.max(resendDelayMs, intervalMs),
        generatorURL: `${ctx.externalURL}/graph?g0.expr=${encodeURIComponent(this.def.expr)}&g0.tab=1`,
      });
      a.lastSentAt = ts;
    }
    return out;
  }
}
