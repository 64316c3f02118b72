import { readFile } from 'node:fs/promises';
import { labelsKey, type Labels } from '../common/labels';
import type { Engine } from '../promql/api';
import type { Querier, Storage } from '../storage/api';
import type { ActiveAlert, AlertSink, GroupStatus, RuleManager } from './api';
import { AlertingRule } from './alerting-rule';
import { parseRuleFile, RuleFileError, type GroupDef, type RuleProblem } from './rule-file';
import { RuleGroup, type GroupContext } from './rule-group';
import type { AlertStateFile, PersistedAlerts } from './state-file';
import { SharedResultStore, type SharedResultOptions } from './shared-result-store';
import { WindowCache, type WindowCacheOptions } from './window-cache';

/** RuleManagerOptions wire the manager to the engine, the store and the notifier. */
export interface RuleManagerOptions {
  engine: Engine;
  /**
   * engineFor builds an engine over a given Querier (createEngine with the configured options). With it,
   * each group evaluation selects each metric once and answers its rules from that (rules/cycle-querier.ts).
   */
  engineFor?: (querier: Querier) => Engine;
  storage: Storage;
  /** windowCache bounds the recent samples kept for rules (with engineFor); see rules/window-cache.ts. */
  windowCache?: WindowCacheOptions;
  /**
   * sharedResults bounds the subexpression results rules evaluated at one time share (with engineFor; see
   * rules/shared-result-store.ts); `maxSamples: 0` turns sharing off.
   */
  sharedResults?: SharedResultOptions;
  send: AlertSink;
  /** evaluationIntervalMs is the default of groups without `interval`. */
  evaluationIntervalMs: number;
  externalLabels?: Labels;
  externalURL?: string;
  /** resendDelayMs: how often firing alerts are re-sent to the notifier; default 1m as Prometheus. */
  resendDelayMs?: number;
  /** builtin returns groups that exist without a file (the default rule pack, threshold rules). */
  builtin?: () => GroupDef[];
  /** state persists alert state across restarts; without it a restart starts every alert afresh. */
  state?: AlertStateFile;
  /** autoRun evaluates on a timer (default true); tests drive evaluateAt themselves. */
  autoRun?: boolean;
  now?: () => number;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * createRuleManager loads rule groups and evaluates each on its own interval, aligned to multiples of
 * the interval. update() replaces the groups atomically: a file with an error keeps the old groups
 * running and throws RuleFileError; alerts of rules that still exist keep their state (no new pending
 * period, no second notification).
 */
export async function createRuleManager(
  o: RuleManagerOptions,
  files: readonly string[],
): Promise<RuleManager & { evaluateAt(ts: number): Promise<void> }> {
  const now = o.now ?? Date.now;
  const ctx: GroupContext = {
    engine: o.engine,
    ...(o.engineFor !== undefined
      ? {
          engineFor: o.engineFor,
          windows: new WindowCache(o.storage.querier(), o.windowCache),
          ...(o.sharedResults?.maxSamples !== 0 ? { results: new SharedResultStore(o.sharedResults) } : {}),
        }
      : {}),
    storage: o.storage,
    externalLabels: o.externalLabels ?? {},
    externalURL: o.externalURL ?? '',
    resendDelayMs: o.resendDelayMs ?? 60_000,
    send: o.send,
    log: (level, m) => o.log(level, `rules: ${m}`),
  };
  let groups: RuleGroup[] = [];
  const timers = new Map<RuleGroup, NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;
  const persisted: PersistedAlerts = o.state ? await o.state.load() : {};

  const save = async (): Promise<void> => {
    if (!o.state) return;
    const out: PersistedAlerts = {};
    for (const g of groups) forEachAlerting(g, (key, r) => (out[key] = [...r.active.values()]));
    await o.state.save(out).catch((e: unknown) => o.log('error', `rules: saving alert state: ${String(e)}`));
  };

  const evalGroup = async (g: RuleGroup, ts: number): Promise<void> => {
    await g.evaluate(ts, ctx);
    ctx.windows?.sweep(ts);
    await save();
  };

  const schedule = (g: RuleGroup): void => {
    if (stopped || o.autoRun === false) return;
    const t = now();
    const next = Math.floor(t / g.intervalMs) * g.intervalMs + g.intervalMs;
    const timer = setTimeout(() => {
      const p = evalGroup(g, next)
        .catch((e: unknown) => o.log('error', `rules: group "${g.def.name}": ${String(e)}`))
        .finally(() => {
          running.delete(p);
          if (groups.includes(g)) schedule(g);
        });
      running.add(p);
    }, next - t);
    timers.set(g, timer);
  };

  const update = async (paths: readonly string[]): Promise<void> => {
    const defs: GroupDef[] = [...(o.builtin?.() ?? [])];
    const problems: RuleProblem[] = [];
    for (const path of paths) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        problems.push({ file: path, line: 0, col: 0, message: `cannot read: ${(e as Error).message}` });
        continue;
      }
      try {
        defs.push(...(await parseRuleFile(text, path)));
      } catch (e) {
        if (e instanceof RuleFileError) problems.push(...e.problems);
        else throw e;
      }
    }
    if (problems.length > 0) throw new RuleFileError(problems);
    const next = defs.map((d) => new RuleGroup(d, d.intervalMs ?? o.evaluationIntervalMs));
    // Carry alert state over: from the running groups on reload, from the state file on start.
    const old = new Map<string, AlertingRule>();
    for (const g of groups) forEachAlerting(g, (key, r) => old.set(key, r));
    for (const g of next)
      forEachAlerting(g, (key, r) => {
        const prev = old.get(key);
        if (prev !== undefined) for (const [k, a] of prev.active) r.active.set(k, a);
        else for (const a of persisted[key] ?? []) r.active.set(alertKey(a), a);
      });
    const removed = groups.filter((g) => !next.some((n) => n.key === g.key));
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
    groups = next;
    for (const g of removed) await g.staleAll(now(), ctx);
    for (const g of groups) schedule(g);
    o.log(
      'info',
      `rules: ${groups.length} groups, ${groups.reduce((n, g) => n + g.rules.length, 0)} rules loaded`,
    );
  };

  await update(files);
  return {
    update,
    groups: (): GroupStatus[] => groups.map((g) => g.status()),
    alerts: (): ActiveAlert[] =>
      groups.flatMap((g) =>
        g.rules.flatMap((r) =>
          r instanceof AlertingRule ? [...r.active.values()].filter((a) => a.state !== 'inactive') : [],
        ),
      ),
    evaluateAt: async (ts: number): Promise<void> => {
      // Groups are independent (as in Prometheus): their queries overlap while one awaits the store.
      await Promise.all(groups.map((g) => g.evaluate(ts, ctx)));
      ctx.windows?.sweep(ts);
      await save();
    },
    stop: async (): Promise<void> => {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      await Promise.all(running);
      await save();
    },
  };
}

/** forEachAlerting visits a group's alerting rules with their state key (group, name, occurrence). */
function forEachAlerting(g: RuleGroup, f: (key: string, r: AlertingRule) => void): void {
  const count = new Map<string, number>();
  for (const r of g.rules) {
    if (!(r instanceof AlertingRule)) continue;
    const n = count.get(r.def.name) ?? 0;
    count.set(r.def.name, n + 1);
    f(`${g.key}\u0000${r.def.name}\u0000${n}`, r);
  }
}

function alertKey(a: ActiveAlert): string {
  return labelsKey(a.labels);
}
