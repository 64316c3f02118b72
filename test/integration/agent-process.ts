import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** REPO is the repository root, where the agent's entry points are resolved from. */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** RunningAgent is a spawned vigie-agent and the URL it printed. */
export interface RunningAgent {
  proc: ChildProcess;
  url: string;
  stderr: () => string;
  /** exited resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
}

/**
 * spawnAgent starts the agent with `args` (node flags first, then the entry point and its arguments) and
 * waits, bounded by timeoutMs, for the "listening on URL" line. Callers kill it in t.after.
 */
export function spawnAgent(args: readonly string[], timeoutMs = 20_000): Promise<RunningAgent> {
  const proc = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | string>((resolve) =>
    proc.on('exit', (code, sig) => resolve(code ?? sig ?? -1)),
  );
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`agent did not start within ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)\/metrics/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ proc, url: m[1]! + '/', stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited (${code}) before listening; stderr: ${err}`));
    });
  });
}

/** stopAgent kills a still-running agent and waits for it to go. */
export async function stopAgent(a: RunningAgent): Promise<void> {
  if (a.proc.exitCode === null && a.proc.signalCode === null) a.proc.kill('SIGKILL');
  await a.exited;
}

/** runToExit runs a command to completion (bounded) and returns its exit code and output. */
export function runToExit(
  args: readonly string[],
  timeoutMs = 20_000,
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    proc.on('exit', (code, sig) => {
      clearTimeout(timer);
      resolve({ code: code ?? sig ?? -1, stdout, stderr });
    });
  });
}
