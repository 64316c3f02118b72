// import-history.ts: helpers shared by the import and promtool tests: a small known history and a way to
// run the vigie command line to its end.
import { spawn } from 'node:child_process';
import { REPO } from '../support/process';

/** SERVE_READY matches `vigie serve`'s ready line; group 1 is the base URL. */
export const SERVE_READY = /Vigie is running at (http:\/\/\S+?)\/ /;
export const MINUTE = 60_000;

/** runVigie runs `vigie ARGS` to its end (killed after timeoutMs) and returns its exit code and output. */
export function runVigie(
  args: string[],
  timeoutMs = 60_000,
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, ['bin/vigie.js', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    proc.on('close', (code, sig) => {
      clearTimeout(timer);
      resolve({ code: code ?? sig ?? -1, stdout, stderr });
    }),
  );
}

/**
 * history writes one hour of minute samples ending at `end` (ms): a counter growing by 1/s on host a and
 * 2/s on host b, and a gauge cycling 20..24. Returns the file's text.
 */
export function history(end: number): string {
  const start = end - 60 * MINUTE;
  const lines = ['# TYPE jobs_done counter', '# HELP jobs_done Jobs finished.'];
  for (const [host, perSecond] of [
    ['a', 1],
    ['b', 2],
  ] as const) {
    for (let i = 0; i <= 60; i++)
      lines.push(`jobs_done_total{host="${host}"} ${i * 60 * perSecond} ${(start + i * MINUTE) / 1000}`);
  }
  lines.push('# TYPE room_temp_celsius gauge', '# UNIT room_temp_celsius celsius');
  for (let i = 0; i <= 60; i++)
    lines.push(`room_temp_celsius{room="lab"} ${20 + (i % 5)} ${(start + i * MINUTE) / 1000}`);
  lines.push('# EOF', '');
  return lines.join('\n');
}
