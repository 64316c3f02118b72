// stack.ts: what the browser tests run against: a simulated fleet (in this process, on loopback), two
// hours of its history imported into a fresh data folder, and `vigie serve --no-mdns --no-local-agent`
// scraping the fleet through a file_sd file. Everything is torn down by stop(), even after a failure.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../fixtures/fleet/index';
import { REPO, spawnUntil, stopProcess, type Started } from '../support/process';
import { runVigie, SERVE_READY } from '../integration/import-history';
import { Lab, labSkipReason } from '../lab/netns';
import { startAgent, startVigie, tempDir, vigieUrl } from '../lab/support';

/** StackOptions size the fleet and its imported history. */
export interface StackOptions {
  hosts: number;
  seriesPerHost: number;
  historyHours: number;
  /** historyStep is the imported samples' spacing, e.g. "15s". */
  historyStep: string;
  /** rules, when given, is a Prometheus rule file (YAML) the appliance loads. */
  rules?: string;
}

/** Stack is a running appliance fed by a fleet. */
export interface Stack {
  base: string;
  fleet: Fleet;
  /** instances are the hosts' `instance` labels (`<nodename>:9100`, matching the imported history). */
  instances: string[];
  /** stopServe stops the appliance (SIGTERM), keeping its data; startServe starts it on the same address. */
  stopServe(): Promise<void>;
  startServe(): Promise<void>;
  /** servePid is the running appliance's process id (benchmarks read its CPU time), if it runs. */
  servePid(): number | undefined;
  stop(): Promise<void>;
}

/** ensureRendererBuilt builds dist/renderer when it is missing (CI builds it through `npm ci`'s prepare). */
export function ensureRendererBuilt(): void {
  if (existsSync(join(REPO, 'dist', 'renderer', 'index.html'))) return;
  const r = spawnSync(process.execPath, ['scripts/build.js'], {
    cwd: REPO,
    stdio: 'inherit',
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error('the renderer build failed (node scripts/build.js)');
}

/** startStack starts the fleet, imports its history, and starts vigie serve on a free loopback port. */
export async function startStack(o: StackOptions): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-'));
  let fleet: Fleet | undefined;
  let serve: Started | undefined;
  const stop = async (): Promise<void> => {
    if (serve) await stopProcess(serve);
    await fleet?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const history = join(dir, 'history.om');
    const gen = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/fixtures/fleet/history-cli.ts',
        '--out',
        history,
        '--hosts',
        String(o.hosts),
        '--series',
        String(o.seriesPerHost),
        '--hours',
        String(o.historyHours),
        '--step',
        o.historyStep,
      ],
      { cwd: REPO, encoding: 'utf8', timeout: 120_000 },
    );
    if (gen.status !== 0) throw new Error(`history generation failed: ${gen.stderr}`);
    const { firstMs } = JSON.parse(gen.stdout.trim().split('\n').at(-1)!) as { firstMs: number };
    const data = join(dir, 'data');
    const imported = await runVigie(['import', '--data', data, history], 180_000);
    if (imported.code !== 0) throw new Error(`vigie import failed: ${imported.stderr}`);
    rmSync(history);

    // Anchored where the history starts, the live hosts carry on from it: counters keep growing from the
    // imported values instead of restarting, so rates across the seam stay true.
    let anchored = false;
    const now = (): number => (anchored ? Date.now() : ((anchored = true), firstMs));
    fleet = await startFleet({ hosts: o.hosts, seriesPerHost: o.seriesPerHost, host: '127.0.0.1', now });
    // Walk them through the history's own steps (one jump of hours would multiply the counters' jitter).
    const stepMs = Number(/^(\d+)s$/.exec(o.historyStep)?.[1] ?? 15) * 1000;
    for (const h of fleet.hosts) for (let t = firstMs; t <= Date.now(); t += stepMs) h.advanceTo(t);
    const instances = fleet.hosts.map((h) => `${h.nodename}:9100`);
    const sd = join(dir, 'targets.json');
    writeFileSync(
      sd,
      JSON.stringify(fleet.targets.map((t, i) => ({ targets: [t], labels: { instance: instances[i] } }))),
    );
    const rulesFile = join(dir, 'rules.yml');
    if (o.rules !== undefined) writeFileSync(rulesFile, o.rules);
    const config = join(dir, 'vigie.yml');
    writeFileSync(
      config,
      `global:\n  scrape_interval: 2s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n` +
        (o.rules === undefined ? '' : `rule_files: ['${rulesFile}']\n`) +
        `scrape_configs:\n  - job_name: node\n    file_sd_configs:\n      - files: ['${sd}']\n        refresh_interval: 1s\n`,
    );
    let listen = '127.0.0.1:0';
    const startServe = async (): Promise<void> => {
      serve = await spawnUntil(
        [
          'bin/vigie.js',
          'serve',
          '--data',
          data,
          '--listen',
          listen,
          '--config',
          config,
          '--no-mdns',
          '--no-local-agent',
        ],
        SERVE_READY,
        60_000,
      );
      listen = new URL(serve.match[1]!).host;
    };
    await startServe();
    const base = serve!.match[1]!;
    return {
      base,
      fleet,
      instances,
      async stopServe() {
        if (serve) await stopProcess(serve, 'SIGTERM');
        serve = undefined;
      },
      startServe,
      servePid: () => serve?.proc.pid,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * LanStack is an appliance that discovers agents by mDNS, which may only run inside the test LAN of network
 * namespaces (test/lab): `vigie serve` in the hub, one real `vigie-agent` on a host of the LAN, and a
 * Chromium wrapper that starts the browser inside the hub, so the page reaches the appliance at
 * 127.0.0.1 and no packet leaves the lab.
 */
export interface LanStack {
  base: string;
  agentId: string;
  /** chromium is an executable that runs Debian's Chromium inside the hub namespace. */
  chromium: string;
  stop(): Promise<void>;
}

/** lanSkipReason says why the LAN stack cannot run here (not root, no netns), or undefined. */
export function lanSkipReason(): string | undefined {
  return labSkipReason();
}

/** startLanStack builds a one-host LAN with an agent waiting for adoption. */
export async function startLanStack(chromiumPath: string): Promise<LanStack> {
  const lab = Lab.create(1);
  const vigieDir = tempDir('e2e-vigie');
  const agentDir = tempDir('e2e-agent');
  const stop = async (): Promise<void> => {
    await lab.teardown();
    vigieDir.remove();
    agentDir.remove();
  };
  try {
    await startVigie(lab, vigieDir.dir);
    const agent = await startAgent(lab, lab.hosts[0]!, agentDir.dir);
    const chromium = join(vigieDir.dir, 'chromium-in-hub');
    writeFileSync(chromium, `#!/bin/sh\nexec ip netns exec ${lab.hub.ns} ${chromiumPath} "$@"\n`);
    chmodSync(chromium, 0o755);
    return { base: vigieUrl(''), agentId: agent.id, chromium, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
