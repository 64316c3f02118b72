import type { ScrapeConfig } from '../config/api';
import type { TargetGroup } from '../discovery/api';
import type { Appender } from '../storage/api';
import type { DroppedTarget, ScrapeManager, TargetStatus } from './api';
import type { ExpositionParser } from './exposition/types';
import { ScrapeHttpClient } from './http';
import { ScrapeLoop, type Fetcher, type LoopSettings, type ScrapeLog } from './loop';
import { targetsFromGroup, type ScrapeTarget } from './target';

/** ScrapeManagerOptions inject every dependency of the scrape stage. */
export interface ScrapeManagerOptions {
  /** appender opens one batch in storage (Storage.appender). */
  appender: () => Appender;
  /** createParser picks the exposition parser for a body by its Content-Type. */
  createParser: (body: string, contentType: string) => ExpositionParser;
  /** now gives sample timestamps in ms; Date.now by default. */
  now?: () => number;
  log?: ScrapeLog;
  /** fetcher gets scrape bodies; a keep-alive node:http client by default. */
  fetcher?: Fetcher;
  /** offsetSeed shifts every target's phase, so two Vigie instances scraping the same targets interleave. */
  offsetSeed?: number;
  /** maxFutureMs refuses samples timestamped further ahead than this; 10 minutes by default, as Prometheus. */
  maxFutureMs?: number;
}

/** ScrapeManagerImpl is the ScrapeManager with a test hook to reach its loops. */
export interface ScrapeManagerImpl extends ScrapeManager {
  /** loops lists the running loops of a job (for tests and benchmarks). */
  loops(job: string): ScrapeLoop[];
}

interface JobState {
  config: ScrapeConfig;
  /** version increases on every config change; a loop built from an older one is replaced. */
  version: number;
  loops: Map<string, { loop: ScrapeLoop; version: number }>;
  dropped: DroppedTarget[];
}

/**
 * createScrapeManager runs one ScrapeLoop per target, Prometheus-style. applyConfig sets the jobs; sync
 * replaces a job's groups by source and diffs the resulting targets against the running loops by identity
 * (labels + URL), so an unchanged target keeps its loop, cache and phase. A vanished target's loop stops and
 * writes staleness markers; a job whose config changed gets new loops that inherit the series cache when the
 * change cannot alter stored labels.
 */
export function createScrapeManager(opts: ScrapeManagerOptions): ScrapeManagerImpl {
  const now = opts.now ?? Date.now;
  const log: ScrapeLog = opts.log ?? (() => {});
  const ownClient = opts.fetcher === undefined ? new ScrapeHttpClient() : undefined;
  const fetcher: Fetcher = opts.fetcher ?? ownClient!;
  const offsetSeed = opts.offsetSeed ?? 0;
  const maxFutureMs = opts.maxFutureMs ?? 10 * 60_000;
  const jobs = new Map<string, JobState>();
  const groups = new Map<string, Map<string, TargetGroup>>();
  const pending = new Set<Promise<void>>();
  let stopped = false;

  const track = (p: Promise<void>): void => {
    const q = p.catch((e) => log('error', `scrape loop shutdown failed: ${String(e)}`));
    pending.add(q);
    void q.finally(() => pending.delete(q));
  };

  const settingsOf = (cfg: ScrapeConfig, target: ScrapeTarget): LoopSettings => ({
    intervalMs: cfg.scrape_interval,
    timeoutMs: cfg.scrape_timeout,
    bodySizeLimit: cfg.body_size_limit,
    append: {
      targetLabels: target.labels,
      honorLabels: cfg.honor_labels,
      honorTimestamps: cfg.honor_timestamps,
      sampleLimit: cfg.sample_limit,
      labelLimit: cfg.label_limit,
      labelNameLengthLimit: cfg.label_name_length_limit,
      labelValueLengthLimit: cfg.label_value_length_limit,
      maxFutureMs,
    },
  });

  const newLoop = (cfg: ScrapeConfig, target: ScrapeTarget, predecessor?: ScrapeLoop): ScrapeLoop =>
    new ScrapeLoop({
      target,
      settings: settingsOf(cfg, target),
      fetcher,
      appender: opts.appender,
      createParser: opts.createParser,
      now,
      log,
      predecessor,
      offsetSeed,
    });

  /** reconcile makes a job's loops match its config and current groups. */
  const reconcile = (job: string, oldConfig?: ScrapeConfig): void => {
    const state = jobs.get(job);
    if (state === undefined || stopped) return;
    const desired = new Map<string, ScrapeTarget>();
    const dropped: DroppedTarget[] = [];
    const sources = [...(groups.get(job)?.values() ?? [])].sort((a, b) => (a.source < b.source ? -1 : 1));
    for (const g0 of sources) {
      const g = withoutHeld(g0, job, dropped);
      const r = targetsFromGroup(g, state.config);
      for (const t of r.targets) if (!desired.has(t.identity)) desired.set(t.identity, t);
      for (const d of r.dropped) {
        log('warn', `job ${job}: target dropped: ${d.reason}`);
        dropped.push(d);
      }
    }
    state.dropped = dropped;
    for (const [id, entry] of state.loops) {
      if (desired.has(id)) continue;
      state.loops.delete(id);
      track(entry.loop.stop(true));
    }
    const reuse = oldConfig !== undefined && reusableCache(oldConfig, state.config);
    for (const [id, target] of desired) {
      const cur = state.loops.get(id);
      if (cur !== undefined && cur.version === state.version) {
        cur.loop.updateTarget(target);
        continue;
      }
      if (cur === undefined) {
        const loop = newLoop(state.config, target);
        state.loops.set(id, { loop, version: state.version });
        loop.start();
        continue;
      }
      // Config changed: the new loop starts once the old one has finished its in-flight scrape.
      const loop = newLoop(state.config, target, reuse ? cur.loop : undefined);
      state.loops.set(id, { loop, version: state.version });
      track(cur.loop.stop(!reuse).then(() => loop.start()));
    }
  };

  return {
    applyConfig(configs: readonly ScrapeConfig[]): void {
      if (stopped) return;
      const byName = new Map(configs.map((c) => [c.job_name, c]));
      for (const [job, state] of jobs) {
        if (byName.has(job)) continue;
        for (const { loop } of state.loops.values()) track(loop.stop(true));
        jobs.delete(job);
      }
      for (const cfg of configs) {
        const state = jobs.get(cfg.job_name);
        if (state === undefined) {
          jobs.set(cfg.job_name, { config: cfg, version: 1, loops: new Map(), dropped: [] });
          reconcile(cfg.job_name);
        } else if (!sameConfig(state.config, cfg)) {
          const old = state.config;
          state.config = cfg;
          state.version++;
          reconcile(cfg.job_name, old);
        }
      }
    },

    sync(job: string, newGroups: readonly TargetGroup[]): void {
      if (stopped) return;
      let bySource = groups.get(job);
      if (bySource === undefined) groups.set(job, (bySource = new Map()));
      for (const g of newGroups) {
        if (g.targets.length === 0) bySource.delete(g.source);
        else bySource.set(g.source, g);
      }
      if (!jobs.has(job)) log('debug', `sync for job ${job} which has no scrape config; kept for later`);
      reconcile(job);
    },

    targets() {
      const active: TargetStatus[] = [];
      const dropped: DroppedTarget[] = [];
      for (const [job, state] of jobs) {
        for (const { loop } of state.loops.values()) {
          const t = loop.target;
          active.push({
            job,
            scrapeUrl: t.url,
            discoveredLabels: t.discoveredLabels,
            labels: t.labels,
            health: loop.health,
            lastError: loop.lastError,
            lastScrape: loop.lastScrape,
            lastScrapeDuration: loop.lastScrapeDuration,
            scrapeInterval: loop.settings.intervalMs,
            scrapeTimeout: loop.settings.timeoutMs,
          });
        }
        dropped.push(...state.dropped);
      }
      return { active, dropped };
    },

    loops(job: string): ScrapeLoop[] {
      return [...(jobs.get(job)?.loops.values() ?? [])].map((e) => e.loop);
    },

    async stop(): Promise<void> {
      stopped = true;
      for (const state of jobs.values()) {
        for (const { loop } of state.loops.values()) track(loop.stop(true));
        state.loops.clear();
      }
      while (pending.size > 0) await Promise.all([...pending]);
      ownClient?.close();
    },
  };
}

/**
 * DROP_REASON_LABEL on a discovered target says discovery holds it back (e.g. an agent pending adoption): it
 * is listed as dropped with that reason and never scraped.
 */
export const DROP_REASON_LABEL = '__vigie_drop_reason__';

/** withoutHeld moves the targets carrying DROP_REASON_LABEL out of a group into dropped. */
function withoutHeld(g: TargetGroup, job: string, dropped: DroppedTarget[]): TargetGroup {
  if (!g.targets.some((t) => t[DROP_REASON_LABEL] !== undefined)) return g;
  const targets = [];
  for (const t of g.targets) {
    const reason = t[DROP_REASON_LABEL];
    if (reason === undefined) {
      targets.push(t);
      continue;
    }
    const { [DROP_REASON_LABEL]: _, ...rest } = t;
    dropped.push({ job, discoveredLabels: { ...g.labels, ...rest, job }, reason });
  }
  return { ...g, targets };
}

/** sameConfig compares two job configs by value. */
function sameConfig(a: ScrapeConfig, b: ScrapeConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * reusableCache tells whether a config change leaves every stored label set as it was, so the new loop may
 * keep the old loop's series cache and staleness state (Prometheus ignores interval, timeout and limits).
 */
function reusableCache(a: ScrapeConfig, b: ScrapeConfig): boolean {
  const strip = (c: ScrapeConfig): unknown => ({
    ...c,
    scrape_interval: 0,
    scrape_timeout: 0,
    sample_limit: 0,
    body_size_limit: 0,
    static_configs: [],
    file_sd_configs: [],
  });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}
