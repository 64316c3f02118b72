// net.ts: loopback ports and bounded polling for the benchmark's servers.
import { createServer } from 'node:net';

/** freePort asks the kernel for a free loopback port (closed again at once; the race is harmless here). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * waitFor polls `probe` every `everyMs` until it returns a value other than undefined, failing with `what`
 * after `timeoutMs`, or at once when `abort` returns a reason (a child that died, for instance).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; everyMs?: number; abort?: () => string | undefined },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  for (;;) {
    const reason = options.abort?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not ready after ${options.timeoutMs} ms${lastError ? ` (${lastError})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, options.everyMs ?? 250));
  }
}

/** fetchText GETs or POSTs a loopback URL with a timeout and returns the body, failing on non-2xx. */
export async function fetchText(url: string, init: RequestInit = {}, timeoutMs = 10_000): Promise<string> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const body = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status}: ${body.slice(0, 200)}`);
  return body;
}

/** watchfulSleep waits `ms` but fails as soon as `abort` returns a reason (checked twice a second). */
export async function watchfulSleep(
  what: string,
  ms: number,
  abort: () => string | undefined,
): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const reason = abort();
    if (reason) throw new Error(`${what}: ${reason}`);
    const left = end - Date.now();
    if (left <= 0) return;
    await new Promise((r) => setTimeout(r, Math.min(500, left)));
  }
}
