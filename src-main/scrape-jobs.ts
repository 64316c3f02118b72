import { hostname } from 'node:os';
import { scrapeConfig, type ScrapeConfig, type VigieConfig } from './config/api';
import type { Discoverer, TargetGroup } from './discovery/api';
import { FileSDDiscoverer } from './discovery/file-sd';
import { StaticDiscoverer } from './discovery/static';
import type { ScrapeManager } from './scrape/api';

/** LOCAL_JOB is the job of the in-process agent: "node", like node_exporter's, so familiar queries work. */
export const LOCAL_JOB = 'node';

/** JobLog prints one line of the appliance's log. */
type JobLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

/** ScrapeJobsOptions are what the job wiring needs besides the configuration. */
export interface ScrapeJobsOptions {
  scrape: Pick<ScrapeManager, 'applyConfig' | 'sync'>;
  /** localAgentAddress is the in-process agent's host:port, when it runs. */
  localAgentAddress?: string;
  /** agentDiscoverer feeds mDNS agents into the node job; exporterDiscoverer the `mdns` job. */
  agentDiscoverer?: Discoverer;
  exporterDiscoverer?: Discoverer;
  log: JobLog;
  /** settleMs bounds how long a restarted job's old targets wait for its new discoverers' first answer. */
  settleMs?: number;
}

/** RunningJob is one job's discoverers and the sources they sent, so a reload can retire the stale ones. */
interface RunningJob {
  key: string;
  abort: AbortController;
  sources: Set<string>;
}

/**
 * ScrapeJobs turns the configuration into scrape jobs and their discoverers, and on reload changes only
 * what changed: a job whose targets config is the same keeps its discoverers (and so its loops and their
 * schedule); a changed one gets new discoverers, and its old targets stay scraped until the new ones have
 * answered, so a reload leaves no gap. The built-in jobs (in-process agent, mDNS agents and exporters) are
 * named at start and keep their names.
 */
export class ScrapeJobs {
  private readonly running = new Map<string, RunningJob>();
  private builtin: ScrapeConfig[] = [];
  private readonly extras = new Map<string, Discoverer>();
  private stopped = false;

  constructor(private readonly o: ScrapeJobsOptions) {}

  /** jobs is what apply would run for config: its scrape_configs then the built-in jobs. */
  jobs(config: VigieConfig): ScrapeConfig[] {
    const user = [...config.scrape_configs];
    if (this.builtin.length === 0) this.builtin = this.builtinJobs(config, user);
    else this.builtin = this.builtin.map((j) => ({ ...builtinJob(config, j), job_name: j.job_name }));
    const names = new Set(this.builtin.map((j) => j.job_name));
    const clash = user.find((j) => names.has(j.job_name));
    if (clash !== undefined)
      throw new Error(
        `scrape_configs: job_name "${clash.job_name}" is taken by a built-in job since start; rename it or restart Vigie`,
      );
    return [...user, ...this.builtin];
  }

  /** apply runs the configuration's jobs; it throws, changing nothing, when a job name clashes. */
  apply(config: VigieConfig): void {
    if (this.stopped) return;
    const jobs = this.jobs(config);
    this.o.scrape.applyConfig(jobs);
    const names = new Set(jobs.map((j) => j.job_name));
    for (const [name, run] of this.running)
      if (!names.has(name)) {
        run.abort.abort();
        this.o.scrape.sync(name, [...run.sources].map(emptyGroup));
        this.running.delete(name);
      }
    for (const job of jobs) {
      const key = JSON.stringify([job.static_configs, job.file_sd_configs]);
      const old = this.running.get(job.job_name);
      if (old?.key === key) continue;
      this.running.set(job.job_name, this.start(job, key, old));
    }
  }

  /** stop ends every discoverer; the scrape manager stops its loops itself. */
  stop(): void {
    this.stopped = true;
    for (const run of this.running.values()) run.abort.abort();
    this.running.clear();
  }

  private start(job: ScrapeConfig, key: string, old: RunningJob | undefined): RunningJob {
    const run: RunningJob = { key, abort: new AbortController(), sources: new Set() };
    const discoverers = [...discoverersOf(job, this.o.log), ...this.extraFor(job.job_name)];
    const waiting = new Set(discoverers.map((_, i) => i));
    // The old discoverers stop now; their sources are dropped once every new discoverer has answered (or
    // after settleMs), except those the new ones sent again, which were replaced in place.
    old?.abort.abort();
    let retired = old === undefined;
    const retire = (): void => {
      if (retired) return;
      retired = true;
      clearTimeout(timer);
      const stale = [...old!.sources].filter((s) => !run.sources.has(s));
      if (stale.length > 0 && !run.abort.signal.aborted)
        this.o.scrape.sync(job.job_name, stale.map(emptyGroup));
    };
    const timer = old === undefined ? undefined : setTimeout(retire, this.o.settleMs ?? 10_000);
    timer?.unref?.();
    if (discoverers.length === 0) retire();
    discoverers.forEach((d, i) => {
      // Sources are unique per discoverer only; prefixing keeps two discoverers of a job apart.
      const send = (groups: TargetGroup[]): void => {
        const prefixed = groups.map((g) => ({ ...g, source: `${i}:${g.source}` }));
        for (const g of prefixed) run.sources.add(g.source);
        this.o.scrape.sync(job.job_name, prefixed);
        waiting.delete(i);
        if (waiting.size === 0) retire();
      };
      d.run(run.abort.signal, send).catch((e: unknown) =>
        this.o.log('error', `discovery for job ${job.job_name}: ${e}`),
      );
    });
    return run;
  }

  private extraFor(name: string): Discoverer[] {
    const d = this.extras.get(name);
    return d === undefined ? [] : [d];
  }

  /** builtinJobs names the in-process agent's and mDNS jobs once, avoiding the user's job names. */
  private builtinJobs(config: VigieConfig, user: readonly ScrapeConfig[]): ScrapeConfig[] {
    const out: ScrapeConfig[] = [];
    const taken = (): Set<string> => new Set([...user, ...out].map((j) => j.job_name));
    const name = (base: string, alt: string): string => (taken().has(base) ? alt : base);
    const { localAgentAddress: address, agentDiscoverer, exporterDiscoverer } = this.o;
    let nodeJob: ScrapeConfig | undefined;
    if (address !== undefined) {
      nodeJob = { ...localAgentJob(config, address), job_name: name(LOCAL_JOB, `${LOCAL_JOB}-local`) };
      out.push(nodeJob);
    }
    if (agentDiscoverer !== undefined) {
      // mDNS agents join the in-process agent's job ("node"): one job for every machine's node metrics.
      nodeJob ??= { ...discoveryJob(config), job_name: name(LOCAL_JOB, `${LOCAL_JOB}-mdns`) };
      if (!out.includes(nodeJob)) out.push(nodeJob);
      this.extras.set(nodeJob.job_name, agentDiscoverer);
    }
    if (exporterDiscoverer !== undefined) {
      const job = { ...discoveryJob(config), job_name: name('mdns', 'mdns-mdns') };
      out.push(job);
      this.extras.set(job.job_name, exporterDiscoverer);
    }
    return out;
  }
}

/** builtinJob rebuilds a built-in job from a (reloaded) configuration's global defaults. */
function builtinJob(config: VigieConfig, job: ScrapeConfig): ScrapeConfig {
  return job.static_configs.length > 0
    ? localAgentJob(config, job.static_configs[0]!.targets[0]!)
    : discoveryJob(config);
}

/** emptyGroup is the group that drops a source's targets. */
function emptyGroup(source: string): TargetGroup {
  return { source, targets: [], labels: {} };
}

/** discoveryJob is a discovery-only job with the global defaults. */
function discoveryJob(config: VigieConfig): ScrapeConfig {
  return { ...localAgentJob(config, '127.0.0.1:1'), static_configs: [] };
}

/** discoverersOf builds the discoverers a scrape config names. */
function discoverersOf(job: ScrapeConfig, log: JobLog): Discoverer[] {
  const out: Discoverer[] = [];
  if (job.static_configs.length > 0) out.push(new StaticDiscoverer(job.static_configs));
  for (const f of job.file_sd_configs)
    out.push(new FileSDDiscoverer(f, { log: (level, m) => log(level, `file_sd (${job.job_name}): ${m}`) }));
  return out;
}

/**
 * localAgentJob scrapes the in-process agent. Its `instance` is the host name, not the ephemeral loopback
 * port, so the machine's series keep their identity across restarts.
 */
function localAgentJob(config: VigieConfig, address: string): ScrapeConfig {
  return scrapeConfig(LOCAL_JOB, config.global, {
    static_configs: [{ targets: [address], labels: { instance: hostname() } }],
  });
}
