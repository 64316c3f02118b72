// fleet-process.ts: the simulated fleet (test/fixtures/fleet/cli.ts) in its own process, so its CPU and
// memory are not counted in the measured one.
import { join } from 'node:path';
import { waitFor } from './net';
import type { Managed, Processes } from './processes';
import { lastLines } from './vigie';

/** startFleetProcess starts the fleet bounded to boundSeconds and returns it with its target addresses. */
export async function startFleetProcess(
  procs: Processes,
  root: string,
  hosts: number,
  series: number,
  boundSeconds: number,
  seed?: string,
): Promise<{ fleet: Managed; targets: string[] }> {
  const cli = join(root, 'test/fixtures/fleet/cli.ts');
  const fleet = await procs.start(
    'fleet',
    process.execPath,
    [
      '--import',
      'tsx',
      cli,
      '--hosts',
      String(hosts),
      '--series',
      String(series),
      ...(seed === undefined ? [] : ['--seed', seed]),
      '--exit-on-stdin-close',
      '--max-seconds',
      String(boundSeconds),
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const targets = await waitFor(
    'fleet',
    async () => {
      const line = fleet
        .output()
        .split('\n')
        .find((l) => l.startsWith('{"targets"'));
      return line ? (JSON.parse(line) as { targets: string[] }).targets : undefined;
    },
    {
      timeoutMs: 120_000,
      abort: () => (fleet.hasExited() ? `exited: ${lastLines(fleet.output())}` : undefined),
    },
  );
  return { fleet, targets };
}
