import { spawn } from 'node:child_process';
import { REPO, spawnUntil, stopProcess, type Started } from '../support/process';

/** RunningAgent is a spawned vigie-agent and the URL it printed. */
export interface RunningAgent extends Started {
  url: string;
}

/**
 * spawnAgent starts the agent with `args` (node flags first, then the entry point and its arguments) and
 * waits, bounded by timeoutMs, for its "listening on URL" line. Callers stop it in t.after.
 */
export async function spawnAgent(args: readonly string[], timeoutMs = 20_000): Promise<RunningAgent> {
  const started = await spawnUntil(args, /listening on (http:\/\/\S+)\/metrics/, timeoutMs);
  return { ...started, url: started.match[1]! + '/' };
}

/** stopAgent kills a still-running agent and waits for it to go. */
export async function stopAgent(a: RunningAgent): Promise<void> {
  await stopProcess(a);
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
