import type { DocumentStore } from '../state/api';
import type { Appender } from '../storage/api';
import {
  ProbeCheckError,
  ProbeConflictError,
  UI_JOB,
  type ProbeCheck,
  type ProbeManager,
  type ProbeResult,
  type ProbeStatus,
} from './api';
import { parseProbeCheck } from './check';
import { Limiter } from './limiter';
import { CheckLoop, type CheckLoopDeps } from './loop';
import { runProbe } from './run';

/** STORE_KIND is the document kind of the checks made in the UI. */
export const STORE_KIND = 'probe-checks';

/** PROBE_DEFAULTS: enough parallel probes for hundreds of checks, bodies big enough for a status page. */
export const PROBE_DEFAULTS = { maxConcurrency: 64, bodySizeLimit: 1024 * 1024 } as const;

/** ConfigCheck is a check of the config file with the job it belongs to. */
export interface ConfigCheck {
  job: string;
  check: ProbeCheck;
}

export interface ProbeManagerOptions {
  appender: () => Appender;
  /** store keeps the UI's checks; without one, UI checks live until the process ends. */
  store?: DocumentStore;
  maxConcurrency?: number;
  bodySizeLimit?: number;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  onStart?: CheckLoopDeps['onStart'];
}

/** ProbeManagerImpl is ProbeManager plus what the wiring calls: the config file's checks. */
export interface ProbeManagerImpl extends ProbeManager {
  /** applyConfig sets the config file's checks: unchanged ones keep running, removed ones go stale. */
  applyConfig(checks: readonly ConfigCheck[]): Promise<void>;
  limiter: Limiter;
}

/**
 * createProbeManager starts the probe stage: it loads the UI's checks from the document store and runs
 * every check on its own timer under one concurrency limit.
 */
export async function createProbeManager(o: ProbeManagerOptions): Promise<ProbeManagerImpl> {
  const limiter = new Limiter(o.maxConcurrency ?? PROBE_DEFAULTS.maxConcurrency);
  const bodySizeLimit = o.bodySizeLimit ?? PROBE_DEFAULTS.bodySizeLimit;
  const deps: CheckLoopDeps = {
    appender: o.appender,
    limiter,
    bodySizeLimit,
    log: (level, m) => o.log(level, m),
    ...(o.onStart ? { onStart: o.onStart } : {}),
  };
  /** config and ui hold the running loops by check id (ids are unique across both). */
  const config = new Map<string, CheckLoop>();
  const ui = new Map<string, CheckLoop>();
  let stopped = false;

  const replace = async (map: Map<string, CheckLoop>, job: string, check: ProbeCheck): Promise<void> => {
    const old = map.get(check.id);
    if (old !== undefined && JSON.stringify(old.check) === JSON.stringify(check) && old.job === job) return;
    await old?.stop(false);
    const loop = new CheckLoop(job, check, deps, old);
    map.set(check.id, loop);
    if (!stopped) loop.start();
  };

  if (o.store !== undefined)
    for (const d of await o.store.list(STORE_KIND)) {
      try {
        await replace(ui, UI_JOB, { ...parseProbeCheck(d.doc), source: 'ui' });
      } catch (e) {
        o.log('warn', `probe check "${d.id}" in the state folder is ignored: ${(e as Error).message}`);
      }
    }

  const status = (l: CheckLoop): ProbeStatus => ({
    check: l.check,
    job: l.job,
    ...(l.last !== undefined ? { last: l.last } : {}),
  });

  return {
    limiter,
    list: () => [...config.values(), ...ui.values()].map(status),

    async put(input: unknown, id?: string): Promise<ProbeCheck> {
      const body =
        id !== undefined && typeof input === 'object' && input !== null && !('id' in input)
          ? { ...input, id }
          : input;
      const { source: _ignored, ...parsed } = parseProbeCheck(body);
      if (id !== undefined && parsed.id !== id)
        throw new ProbeCheckError('id', `"${parsed.id}" does not match the URL's "${id}"`);
      if (config.has(parsed.id))
        throw new ProbeConflictError(`check "${parsed.id}" comes from the config file; edit it there`);
      await o.store?.put(STORE_KIND, parsed.id, parsed);
      const check: ProbeCheck = { ...parsed, source: 'ui' };
      await replace(ui, UI_JOB, check);
      return check;
    },

    async delete(id: string): Promise<boolean> {
      if (config.has(id))
        throw new ProbeConflictError(`check "${id}" comes from the config file; remove it there`);
      const loop = ui.get(id);
      if (loop === undefined) return false;
      ui.delete(id);
      await o.store?.delete(STORE_KIND, id);
      await loop.stop(true);
      return true;
    },

    async test(input: unknown): Promise<ProbeResult> {
      // "Test now" runs a check being written: it may have no id or name yet.
      const draft =
        typeof input === 'object' && input !== null && !Array.isArray(input)
          ? { id: 'test', name: 'test', ...input }
          : input;
      const check = parseProbeCheck(draft);
      return limiter.run(() => runProbe(check, { bodySizeLimit }));
    },

    async applyConfig(checks: readonly ConfigCheck[]): Promise<void> {
      const want = new Map(checks.map((c) => [c.check.id, c]));
      if (checks.length > 0 || config.size > 0)
        o.log('info', `${checks.length} checks from the config file, ${ui.size} made in the UI`);
      for (const [id, loop] of config)
        if (!want.has(id)) {
          config.delete(id);
          await loop.stop(true);
        }
      for (const c of checks) {
        // A config check takes over a UI check of the same id: the file wins, as it is read-only.
        const shadowed = ui.get(c.check.id);
        if (shadowed !== undefined) {
          ui.delete(c.check.id);
          await shadowed.stop(true);
          o.log('warn', `probe check "${c.check.id}" of the config file replaces the UI's check of that id`);
        }
        await replace(config, c.job, { ...c.check, source: 'config' });
      }
    },

    async stop(): Promise<void> {
      stopped = true;
      const loops = [...config.values(), ...ui.values()];
      config.clear();
      ui.clear();
      await Promise.all(loops.map((l) => l.stop(true)));
    },
  };
}
