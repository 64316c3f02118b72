// processes.ts: the child processes of a benchmark, started with their output captured and always stopped,
// even when the benchmark fails or is interrupted.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Managed is one started child: its name for messages, the process, the end of its stderr, its exit. */
export interface Managed {
  name: string;
  child: ChildProcess;
  pid: number;
  /** output returns the last few KiB the child wrote (stdout and stderr), for error messages. */
  output(): string;
  /** exited resolves with the exit code (or the signal name) once the child is gone. */
  exited: Promise<number | string>;
  hasExited(): boolean;
}

const TAIL_BYTES = 8192;

/** Processes starts children and stops all of them at the end. */
export class Processes {
  private readonly started: Managed[] = [];

  /** start spawns `command`; a spawn failure (missing binary) rejects with the reason. */
  async start(name: string, command: string, args: string[], options: SpawnOptions = {}): Promise<Managed> {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let tail = '';
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let done = false;
    const exited = new Promise<number | string>((resolve) => {
      child.once('exit', (code, signal) => {
        done = true;
        resolve(code ?? signal ?? 'unknown');
      });
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) => reject(new Error(`${name}: cannot start ${command}: ${err.message}`)));
    });
    const managed: Managed = {
      name,
      child,
      pid: child.pid as number,
      output: () => tail,
      exited,
      hasExited: () => done,
    };
    this.started.push(managed);
    return managed;
  }

  /** stop sends `signal`, waits up to `graceMs`, then kills; it resolves with how the process ended. */
  async stop(p: Managed, signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000): Promise<number | string> {
    if (p.hasExited()) return p.exited;
    p.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)),
    );
    const result = await Promise.race([p.exited, timeout]);
    clearTimeout(timer);
    if (result !== 'timeout') return result;
    p.child.kill('SIGKILL');
    return p.exited;
  }

  /** stopAll stops every child still running, most recent first. */
  async stopAll(graceMs = 15_000): Promise<void> {
    for (const p of [...this.started].reverse()) await this.stop(p, 'SIGTERM', graceMs);
  }

  /** killAllNow SIGKILLs every child still running, synchronously (for process 'exit' handlers). */
  killAllNow(): void {
    for (const p of this.started) if (!p.hasExited()) p.child.kill('SIGKILL');
  }
}

/** BenchRun is a benchmark's temp folder and children, and the one cleanup that removes both. */
export interface BenchRun {
  dir: string;
  procs: Processes;
  cleanup: () => Promise<void>;
}

/**
 * superviseBench gives a benchmark a temp folder (`prefix`…) and a process table, and makes sure both go
 * away however the run ends: normally (call cleanup), on SIGINT/SIGTERM, on exit, or when the run passes
 * `boundSeconds`. `alsoRemove` lists further files to delete (e.g. a bundle built for the run).
 */
export function superviseBench(prefix: string, boundSeconds: number, alsoRemove: string[] = []): BenchRun {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const procs = new Processes();
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= procs.stopAll().finally(() => {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      for (const f of alsoRemove) rmSync(f, { force: true });
    }));
  const bail = (why: string, code: number) => {
    console.error(`\n${why}: stopping every child…`);
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => bail('interrupted', 130));
  process.once('SIGTERM', () => bail('terminated', 143));
  process.once('exit', () => procs.killAllNow());
  setTimeout(() => bail(`time bound of ${boundSeconds}s reached`, 1), boundSeconds * 1000).unref();
  return { dir, procs, cleanup };
}
