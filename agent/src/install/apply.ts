import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanStep } from './linux-plan';

/** ApplyOptions say where the files go and whether service commands run. */
export interface ApplyOptions {
  /** root prefixes every path; '/' is the real system. */
  root: string;
  /** runCommands is false under --root: a staged tree has no systemd to talk to. */
  runCommands: boolean;
  /** run executes a command and returns its exit code and stderr (injected in tests). */
  run?: (argv: string[]) => { status: number | null; stderr: string };
  log(line: string): void;
}

const defaultRun = (argv: string[]): { status: number | null; stderr: string } => {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.error ? r.error.message : r.stderr };
};

/**
 * applyPlan carries the steps out in order and stops at the first failure with a message naming the step.
 * Files are written with their mode set exactly (the umask cannot widen or narrow it).
 */
export function applyPlan(steps: readonly PlanStep[], o: ApplyOptions): void {
  const at = (p: string): string => (o.root === '/' ? p : join(o.root, p));
  const run = o.run ?? defaultRun;
  for (const step of steps) {
    try {
      switch (step.kind) {
        case 'mkdir':
          mkdirSync(at(step.path), { recursive: true, mode: step.mode });
          break;
        case 'write':
          writeFileSync(at(step.path), step.content, { mode: step.mode });
          chmodSync(at(step.path), step.mode);
          o.log(`wrote ${at(step.path)}`);
          break;
        case 'copy':
          copyFileSync(step.from, at(step.path));
          chmodSync(at(step.path), step.mode);
          o.log(`installed ${at(step.path)}`);
          break;
        case 'remove':
          rmSync(at(step.path), { recursive: true, force: true });
          o.log(`removed ${at(step.path)}`);
          break;
        case 'run': {
          const line = step.argv.slice(1).join(' ');
          if (!o.runCommands) {
            o.log(`skipped (staged under ${o.root}): ${line}`);
            break;
          }
          const r = run(step.argv);
          if (r.status === 0) o.log(`ran ${line}`);
          else if (step.tolerate) o.log(`${line} exited with ${r.status} (ignored): ${r.stderr.trim()}`);
          else throw new Error(`exited with ${r.status}: ${r.stderr.trim()}`);
          break;
        }
      }
    } catch (err) {
      const what = step.kind === 'run' ? step.argv.slice(1).join(' ') : `${step.kind} ${at(step.path)}`;
      throw new Error(`${what}: ${(err as Error).message}`, { cause: err });
    }
  }
}
