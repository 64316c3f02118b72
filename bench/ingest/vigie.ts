// vigie.ts: Vigie's `serve` command as the benchmark's contender: start, ingest count, on-disk cost.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchText, freePort, waitFor } from './net';
import type { Managed, Processes } from './processes';

/** VigieRun is a started `vigie serve` and its data folder. */
export interface VigieRun {
  process: Managed;
  url: string;
  dataDir: string;
}

/** StorageStatus is the part of GET /api/vigie/status/storage the benchmark reads. */
export interface StorageStatus {
  samples: number;
  series: number;
  bytesOnDisk: number;
}

/** VigieStartOptions vary how a benchmark runs `vigie serve`; every field has the plain default. */
export interface VigieStartOptions {
  /** withoutRules turns the default alert rule pack off, for comparisons with a Prometheus that has no rules. */
  withoutRules?: boolean;
  /** name labels the process and its files in `dir` (`<name>.yml`, `<name>-data`); default "vigie". */
  name?: string;
  /** entry is the script run (default `<root>/bin/vigie.js`; a bundle for the memory bench). */
  entry?: string;
  /** nodeFlags go before the entry (V8 flags, `--import` probes). */
  nodeFlags?: readonly string[];
  /** env is added to this process's environment (probe settings, log level). */
  env?: Readonly<Record<string, string>>;
}

/**
 * startVigie runs `vigie serve` with the same prometheus.yml-style config, no mDNS and no local agent, and
 * waits until its storage status answers. It throws with the reason when Vigie is missing, dies or never
 * gets ready, so the caller can report Vigie as unavailable.
 */
export async function startVigie(
  procs: Processes,
  root: string,
  dir: string,
  configYaml: string,
  opts: VigieStartOptions = {},
): Promise<VigieRun> {
  const name = opts.name ?? 'vigie';
  const entry = opts.entry ?? join(root, 'bin', 'vigie.js');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist`);
  const configPath = join(dir, `${name}.yml`);
  const dataDir = join(dir, `${name}-data`);
  mkdirSync(dataDir, { recursive: true });
  const rulesOff = opts.withoutRules === true ? 'rules:\n  default_pack:\n    enabled: false\n' : '';
  writeFileSync(configPath, configYaml + rulesOff);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    ...(opts.nodeFlags ?? []),
    entry,
    'serve',
    '--data',
    dataDir,
    '--listen',
    `127.0.0.1:${port}`,
  ];
  const process = await procs.start(
    name,
    globalThis.process.execPath,
    [...args, '--config', configPath, '--no-mdns', '--no-local-agent'],
    { cwd: root, env: { ...globalThis.process.env, ...opts.env } },
  );
  await waitFor(name, async () => readStorageStatus(url), {
    timeoutMs: 90_000,
    abort: () => (process.hasExited() ? `exited: ${lastLines(process.output())}` : undefined),
  });
  return { process, url, dataDir };
}

/** readStorageStatus reads and checks Vigie's storage status (GET /api/vigie/status/storage). */
export async function readStorageStatus(url: string): Promise<StorageStatus> {
  const body = await fetchText(`${url}/api/vigie/status/storage`);
  // The Vigie API answers in Prometheus's envelope, {status, data}; a bare object is accepted too.
  const reply = JSON.parse(body) as Partial<StorageStatus> & { data?: Partial<StorageStatus> };
  const status = reply.data ?? reply;
  for (const field of ['samples', 'series', 'bytesOnDisk'] as const) {
    if (typeof status[field] !== 'number')
      throw new Error(`vigie: status/storage has no numeric "${field}": ${body}`);
  }
  return status as StorageStatus;
}

/**
 * lastLines keeps the telling part of a child's output, on one line, for an "unavailable (...)" message: the
 * first error line if there is one (a stack trace ends with noise like "Node.js v20"), else the last lines.
 */
export function lastLines(output: string, lines = 3): string {
  const all = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const error = all.find((l) => /\b(Error|error|ERR_)\b|^error:/.test(l));
  const kept = error ?? all.slice(-lines).join(' | ');
  return kept === '' ? 'no output' : kept.slice(0, 400);
}
