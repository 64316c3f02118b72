import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** REPO is the repository root; spawned programs run from there. */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Started is a spawned program, the regex match of the line it was waited for, and its output so far. */
export interface Started {
  proc: ChildProcess;
  match: RegExpExecArray;
  stdout: () => string;
  stderr: () => string;
  /** exited resolves with the exit code, or the signal's name, once the process ends. */
  exited: Promise<number | string>;
}

/**
 * spawnUntil starts `node ...args` and resolves once stdout matches `ready` (bounded by timeoutMs); it rejects
 * with the program's stderr when it exits first. Callers stop it with stopProcess in t.after.
 */
export function spawnUntil(args: readonly string[], ready: RegExp, timeoutMs = 30_000): Promise<Started> {
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
      reject(new Error(`${args.join(' ')}: no ${ready} within ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const match = ready.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ proc, match, stdout: () => out, stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code}) before ready; stderr: ${err}`));
    });
  });
}

/** stopProcess sends a signal to a still-running process and waits for its exit code. */
export async function stopProcess(p: Started, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | string> {
  if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill(signal);
  return p.exited;
}

/** waitFor polls an async condition until it returns a value other than undefined, bounded by timeoutMs. */
export async function waitFor<T>(
  what: string,
  f: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
