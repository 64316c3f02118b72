// servers.ts: the two servers the query benchmark compares, each over data loaded beforehand, on loopback.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '../ingest/net';
import type { Managed, Processes } from '../ingest/processes';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PROMTOOL_BIN = '/usr/bin/promtool';
const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Server is a started query server: its base URL and process. */
export interface Server {
  url: string;
  process: Managed;
}

/**
 * startVigie runs `vigie serve` over dataDir (no discovery, no local agent) and waits for its ready line;
 * `config`, when given, is its config file (e.g. to try another block cache size); nodeFlags go to node
 * (e.g. --trace-gc, --cpu-prof).
 */
export async function startVigie(
  procs: Processes,
  dataDir: string,
  config?: string,
  nodeFlags: readonly string[] = [],
): Promise<Server> {
  const p = await procs.start(
    'vigie',
    process.execPath,
    [
      ...nodeFlags,
      ...[
        'bin/vigie.js',
        'serve',
        '--no-mdns',
        '--no-local-agent',
        '--listen',
        '127.0.0.1:0',
        '--data',
        dataDir,
      ],
      ...(config !== undefined ? ['--config', config] : []),
    ],
    { cwd: REPO },
  );
  const url = await waitFor(
    'vigie serve',
    async () => /Vigie is running at (http:\/\/\S+?)\/ /.exec(p.output())?.[1],
    { timeoutMs: 120_000, abort: () => (p.hasExited() ? `exited: ${p.output().slice(-500)}` : undefined) },
  );
  return { url, process: p };
}

/**
 * startPrometheus runs Prometheus over blocks made by promtool, scraping nothing, with a retention long
 * enough that the old blocks are kept.
 */
export async function startPrometheus(procs: Processes, dir: string, tsdbPath: string): Promise<Server> {
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const p = await procs.start('prometheus', PROMETHEUS_BIN, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${tsdbPath}`,
    '--storage.tsdb.retention.time=10y',
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  await waitFor('prometheus', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), {
    timeoutMs: 300_000,
    abort: () => (p.hasExited() ? `exited: ${p.output().slice(-500)}` : undefined),
  });
  return { url, process: p };
}

/** runToEnd runs a command to its end and returns its wall time in ms, failing with its output's tail. */
export async function runToEnd(
  procs: Processes,
  name: string,
  command: string,
  args: string[],
): Promise<{ ms: number; output: string }> {
  const started = performance.now();
  const p = await procs.start(name, command, args, { cwd: REPO });
  const code = await p.exited;
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${name} failed (${code}): ${p.output().slice(-1500)}`);
  return { ms, output: p.output() };
}
