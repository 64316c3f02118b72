import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { startAgentServer, type AgentServer } from '../agent/src/index';
import type { StorageConfig, VigieConfig } from './config/api';
import { loadConfig } from './config/load';
import { loadOrCreateKeypair } from '../agent/src/pairing/protocol';
import { MdnsBrowser } from './discovery/mdns';
import { AGENT_SERVICE_TYPE, AgentDiscoverer, feedAgentEvent } from './discovery/mdns-agents';
import { EXPORTER_SERVICE_TYPE, ExporterDiscoverer } from './discovery/mdns-exporters';
import { SigningFetcher, verifyAgentIdentity } from './pairing/client';
import { AgentRegistry } from './pairing/registry';
import { ScrapeHttpClient } from './scrape/http';
import { createEngine } from './promql/engine';
import { createParser } from './scrape/exposition/parser';
import { createScrapeManager } from './scrape/manager';
import { createProbeManager } from './probe/manager';
import { checksFromConfig } from './probe/from-config';
import type { Querier, Storage } from './storage/api';
import type { DocumentStore } from './state/api';
import type { DesktopNotifier } from './notify/api';
import { openDuckDBStorage } from './storage/duckdb/index';
import { migrateJsonFileStore } from './state/migrate';
import { createWebApp } from './web/app';
import { createRuleManager } from './rules/manager';
import {
  currentAlerting,
  effectiveAlerting,
  loadUiState,
  openHeadlessSecrets,
  retentionMs,
} from './settings-wiring';
import type { Secrets } from './secrets/api';
import { AlertStateFile } from './rules/state-file';
import { createNotifier } from './notify/service';
import { telegramSetup } from './notify/channels/telegram-setup';
import type { BuildInfo } from './web/api';
import { startServer, type RunningServer } from './web/server';
import type { ListenAddress } from './cli-args';
import { ConfigReloader, expandRuleFiles } from './config-reload';
import { LOCAL_JOB, ScrapeJobs } from './scrape-jobs';

/** LogLevel orders the appliance's log lines. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** Log prints one line of the appliance's log. */
export type Log = (level: LogLevel, message: string) => void;

/** ApplianceOptions are the resolved settings of one run (command line over config file over defaults). */
export interface ApplianceOptions {
  config: VigieConfig;
  /** configFile is where config came from; SIGHUP, `POST /-/reload` and saving it reload it live. */
  configFile?: string;
  /** loadConfig reads configFile again on reload (the command line's overrides applied); default loadConfig. */
  loadConfig?: (file: string) => Promise<VigieConfig>;
  dataDir: string;
  /** listen is the HTTP listener's address; without one no port is opened (the desktop app calls `fetch`). */
  listen?: ListenAddress;
  /** localAgent monitors the machine the appliance runs on with the agent's collectors, in-process. */
  localAgent: boolean;
  /** enrollmentToken, when set, auto-adopts agents that prove they were started with the same token. */
  enrollmentToken?: string;
  /** mdns tunes discovery timing (tests and benchmarks); defaults suit a LAN. */
  mdns?: { queryIntervalMs?: number; maxSilenceMs?: number };
  /** staticDir holds the renderer's built files; default dist/renderer of this checkout (`npm run build`). */
  staticDir?: string;
  /** desktopNotifier is the desktop app's native notifications, for the alert router's desktop channel. */
  desktopNotifier?: DesktopNotifier;
  /** secrets is the desktop app's encrypted store; headless, an owner-only file in the data folder. */
  secrets?: Secrets;
  log: Log;
}

/** Appliance is a running Vigie core. */
export interface Appliance {
  /** url is the listener's base URL, '' when there is no listener. */
  readonly url: string;
  /** fetch is the web app's entry point, called in-process (Electron's app:// protocol, LAN sharing). */
  fetch(request: Request, env?: unknown): Promise<Response>;
  readonly storage: Storage;
  /** stop ends discovery and scraping (writing staleness markers), closes the listener and flushes storage. */
  stop(): Promise<void>;
}

export { LOCAL_JOB };

/**
 * startAppliance is the one place that knows every stage and wires them: storage → engine → scrape →
 * discovery → web. Each stage sees the others only through their interfaces.
 */
export async function startAppliance(o: ApplianceOptions): Promise<Appliance> {
  const { config, log } = o;
  const storage = await openDuckDBStorage(storageOptions(o.dataDir, config.storage));
  const cleanup: (() => Promise<void>)[] = [() => storage.close()];
  const undo = async (): Promise<void> => {
    for (const f of cleanup.reverse()) await f().catch((e: unknown) => log('error', String(e)));
  };
  try {
    // App documents (dashboards, settings, outbox, silences) live in the database; the JSON file of
    // earlier versions is imported once and kept as documents.json.migrated.
    const documents = storage.documents();
    const migrated = await migrateJsonFileStore(join(o.dataDir, 'state', 'documents.json'), documents);
    if (migrated > 0) log('info', `state: ${migrated} documents moved from documents.json into the database`);
    // What the Settings and Rules pages stored applies over the config file. Retention is set before the
    // store's first maintenance (one flush interval after opening).
    const ui = await loadUiState(documents, o.secrets ?? openHeadlessSecrets(o.dataDir), config.rules);
    storage.options.retentionMs = retentionMs(ui.settings, config.storage.retention);
    const engineOptions = {
      lookbackDeltaMs: config.query.lookback_delta,
      timeoutMs: config.query.timeout,
      maxSamples: config.query.max_samples,
      columnarMaxCells: config.query.columnar_max_cells,
    };
    const engine = createEngine(storage.querier(), engineOptions);
    // Loopback targets (the built-in agent, local exporters) are not worth compressing and inflating.
    const http = new ScrapeHttpClient({ gzipOnLoopback: false });
    cleanup.push(async () => http.close());
    // Alerting: rules → router → outbox → channels. Stopped before storage closes (cleanup runs reversed).
    const router = await createNotifier({
      config: effectiveAlerting(config.alerting, ui.settings, ui.secrets),
      store: documents,
      dir: join(o.dataDir, 'notify'),
      engine,
      desktop: o.desktopNotifier,
      log: (level, m) => log(level, m),
    });
    cleanup.push(() => router.stop());
    let ruleFiles = await expandRuleFiles(config.rule_files);
    const rules = await createRuleManager(
      {
        engine,
        // Rules read recent samples through their window cache, not the store once per selector.
        ...(config.rules.window_cache.max_samples > 0
          ? {
              engineFor: (querier: Querier) => createEngine(querier, engineOptions),
              sharedResults: { maxSamples: config.rules.shared_results.max_samples },
              windowCache: {
                maxSamples: config.rules.window_cache.max_samples,
                idleMs: config.rules.window_cache.idle,
                lateMs: config.rules.window_cache.late,
              },
            }
          : {}),
        storage,
        send: (alerts) => router.receive(alerts),
        evaluationIntervalMs: config.global.evaluation_interval,
        externalLabels: config.global.external_labels,
        builtin: () => ui.builtin(),
        state: new AlertStateFile(join(o.dataDir, 'rules', 'alert-state.json')),
        log,
      },
      ruleFiles,
    );
    cleanup.push(() => rules.stop());
    const mdnsOn = config.discovery.mdns.enabled;
    const agents = mdnsOn ? await agentRegistry(o, documents) : undefined;
    // Its records are written in the background: the last ones land before the database closes.
    if (agents !== undefined) cleanup.push(() => agents.flush());
    const fetcher = agents
      ? new SigningFetcher(
          http,
          loadOrCreateKeypair(join(o.dataDir, 'pairing', 'app.key')),
          agents,
          o.enrollmentToken,
        )
      : http;
    const scrape = createScrapeManager({
      fetcher,
      appender: () => storage.appender(),
      createParser: (body, contentType) => createParser(body, contentType),
      log: (level, message) => log(level, `scrape: ${message}`),
    });
    cleanup.push(() => scrape.stop());
    const probes = await createProbeManager({
      appender: () => storage.appender(),
      store: documents,
      maxConcurrency: config.probes.max_concurrency,
      bodySizeLimit: config.probes.body_size_limit,
      log: (level, m) => log(level, `probe: ${m}`),
    });
    cleanup.push(() => probes.stop());
    await probes.applyConfig(checksFromConfig(config.probes));

    let agent: AgentServer | undefined;
    if (o.localAgent) {
      const la = config.local_agent;
      agent = await startAgentServer({
        host: '127.0.0.1',
        port: 0,
        disabledCollectors: la.disabled_collectors,
        ...(la.systemd_unit_include !== undefined
          ? { systemd: { unitInclude: la.systemd_unit_include } }
          : {}),
        ...(la.container_sockets.length > 0 ? { containers: { sockets: la.container_sockets } } : {}),
      }).catch((e: unknown) => {
        // The agent names its flag (--no-collector.X); here the setting came from the config file.
        throw new Error(
          `local_agent.disabled_collectors: ${(e as Error).message.replace(/^--no-collector\.\S+: /, '')}`,
        );
      });
      cleanup.push(() => agent!.close());
    }
    const exporters = new ExporterDiscoverer();
    const jobs = new ScrapeJobs({
      scrape,
      ...(agent !== undefined ? { localAgentAddress: new URL(agent.url).host } : {}),
      ...(agents !== undefined ? { agentDiscoverer: new AgentDiscoverer(agents) } : {}),
      ...(agents !== undefined && config.discovery.mdns.browse_exporters
        ? { exporterDiscoverer: exporters }
        : {}),
      log,
    });
    cleanup.push(async () => jobs.stop());
    jobs.apply(config);

    if (agents !== undefined) {
      const browser = new MdnsBrowser({
        types: config.discovery.mdns.browse_exporters
          ? [AGENT_SERVICE_TYPE, EXPORTER_SERVICE_TYPE]
          : [AGENT_SERVICE_TYPE],
        interfaces: config.discovery.mdns.interfaces,
        queryIntervalMs: o.mdns?.queryIntervalMs ?? config.discovery.mdns.query_interval,
        maxSilenceMs: o.mdns?.maxSilenceMs ?? config.discovery.mdns.expire_after,
        log: (level, m) => log(level, m),
        onEvent: (e) =>
          e.service.type === AGENT_SERVICE_TYPE
            ? feedAgentEvent(agents, e, (m) => log('warn', `mdns: ${m}`))
            : exporters.handle(e),
      });
      cleanup.push(() => browser.stop());
      await browser.start();
    }

    // Reload: the rule files first (a bad one refuses everything), then jobs, receivers, probes, retention.
    const reloader = new ConfigReloader({
      ...(o.configFile !== undefined ? { configFile: o.configFile } : {}),
      initial: config,
      load: o.loadConfig ?? loadConfig,
      log,
      apply: async (next, files) => {
        jobs.jobs(next);
        const before = reloader.current().rules;
        ui.useConfigRules(next.rules);
        await rules.update(files).catch((e: unknown) => {
          ui.useConfigRules(before);
          throw e;
        });
        ruleFiles = files;
        jobs.apply(next);
        await router.reload(await currentAlerting(next.alerting, documents, ui.secrets));
        await probes.applyConfig(checksFromConfig(next.probes));
        storage.options.retentionMs = retentionMs(ui.settings, next.storage.retention);
        const fixed = restartOnlyChanges(reloader.current(), next);
        if (fixed.length > 0)
          log('warn', `config: ${fixed.join(', ')} changed; that takes a restart of Vigie`);
      },
    });
    await reloader.start(ruleFiles);
    cleanup.push(async () => reloader.stop());

    let ready = false;
    const app = createWebApp({
      querier: storage.querier(),
      engine,
      scrape,
      storageStats: () => storage.stats(),
      buildInfo: buildInfo(),
      config: () => reloader.current(),
      staticDir: o.staticDir ?? join(import.meta.dirname, '..', 'dist', 'renderer'),
      documents,
      access: ui.access,
      secrets: ui.secrets,
      ruleEditor: ui.editor(rules, () => ruleFiles),
      setRetention: (ms) => (storage.options.retentionMs = ms),
      // The Telegram chat saved in Settings goes live at once: the notifier reloads its receivers.
      onAlertingSettingsChanged: async () =>
        router.reload(await currentAlerting(reloader.current().alerting, documents, ui.secrets)),
      ready: () => ready,
      reload: () => reloader.reload('POST /-/reload'),
      reloadStatus: () => reloader.status(),
      agents,
      alerting: { rules, router, telegram: telegramSetup },
      probes,
    });
    const server: RunningServer | undefined = o.listen ? await startServer(app, o.listen) : undefined;
    if (server) cleanup.push(() => server.close());
    if (o.listen && !isLoopbackHost(o.listen.host) && !ui.access.sharing)
      log(
        'warn',
        `listening on ${o.listen.host}: LAN callers have full access until LAN sharing is turned on with a password (Settings)`,
      );
    ready = true;
    // env carries the Node socket when a listener (LAN sharing) calls in; access control reads its address.
    const fetch = async (request: Request, env?: unknown): Promise<Response> => app.fetch(request, env);
    return { url: server?.url ?? '', fetch, storage, stop: undo };
  } catch (err) {
    await undo();
    throw err;
  }
}

/** isLoopbackHost tells whether a listen address is reachable from this machine only. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * agentRegistry opens the agent registry kept in the database (pairing/agents.json of earlier versions is
 * imported once), checking identities over HTTP.
 */
async function agentRegistry(o: ApplianceOptions, store: DocumentStore): Promise<AgentRegistry> {
  const registry = await AgentRegistry.open({
    store,
    legacyFile: join(o.dataDir, 'pairing', 'agents.json'),
    verify: (a) => verifyAgentIdentity(a, { enrollmentToken: o.enrollmentToken }),
    log: (level, m) => o.log(level, `agents: ${m}`),
  });
  registry.setAutoAdopt(o.enrollmentToken !== undefined);
  return registry;
}

/** storageOptions are the store's options from the `storage:` section (DuckDB takes sizes in KiB). */
export function storageOptions(dir: string, s: StorageConfig): Parameters<typeof openDuckDBStorage>[0] {
  return {
    dir,
    retentionMs: s.retention,
    flushIntervalMs: s.flush_interval,
    blockCacheBytes: s.block_cache_size,
    memoryLimit: `${Math.max(1, Math.floor(s.memory_limit / 1024))}KiB`,
    duckdbSettings: { checkpoint_threshold: `${Math.max(1, Math.floor(s.checkpoint_threshold / 1024))}KiB` },
  };
}

/** RESTART_ONLY are the sections a reload cannot change in a running appliance. */
const RESTART_ONLY = [
  'global.evaluation_interval',
  'global.external_labels',
  'storage.path',
  'storage.block_cache_size',
  'storage.memory_limit',
  'storage.checkpoint_threshold',
  'web',
  'discovery',
  'local_agent',
  'query',
  'rules.window_cache',
  'rules.shared_results',
];

/** restartOnlyChanges names what changed between two configurations that only a restart applies. */
export function restartOnlyChanges(before: VigieConfig, after: VigieConfig): string[] {
  const at = (c: VigieConfig, path: string): unknown =>
    path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], c);
  return RESTART_ONLY.filter((p) => JSON.stringify(at(before, p)) !== JSON.stringify(at(after, p)));
}

/** buildInfo reports Vigie's version where Prometheus reports its own. */
function buildInfo(): BuildInfo {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return {
    version: pkg.version,
    revision: '',
    branch: '',
    buildUser: '',
    buildDate: '',
    runtimeVersion: `node ${process.version}`,
  };
}
