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

/**
 * startVigie runs `node bin/vigie.js serve` with the same prometheus.yml-style config, no mDNS and no local
 * agent, and waits until its storage status answers. It throws with the reason when Vigie is missing, dies or
 * never gets ready, so the caller can report Vigie as unavailable.
 */
export async function startVigie(
  procs: Processes,
  root: string,
  dir: string,
  configYaml: string,
  opts: { withoutRules?: boolean } = {},
): Promise<VigieRun> {
  const bin = join(root, 'bin', 'vigie.js');
  if (!existsSync(bin)) throw new Error(`${bin} does not exist`);
  const configPath = join(dir, 'vigie.yml');
  const dataDir = join(dir, 'vigie-data');
  mkdirSync(dataDir, { recursive: true });
  // withoutRules turns the default alert rule pack off, for comparisons with a Prometheus that has no rules.
  const rulesOff = opts.withoutRules === true ? 'rules:\n  default_pack:\n    enabled: false\n' : '';
  writeFileSync(configPath, configYaml + rulesOff);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [bin, 'serve', '--data', dataDir, '--listen', `127.0.0.1:${port}`, '--config', configPath];
  const process = await procs.start(
    'vigie',
    globalThis.process.execPath,
    [...args, '--no-mdns', '--no-local-agent'],
    {
      cwd: root,
    },
  );
  await waitFor('vigie', async () => readStorageStatus(url), {
    timeoutMs: 60_000,
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
