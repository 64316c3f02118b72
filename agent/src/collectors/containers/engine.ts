import { request } from 'node:http';

/** EngineError is an answer of the container engine that is not a 2xx: its status and its message. */
export class EngineError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * engineGet asks a Docker Engine API (Docker's, or Podman's compatible one) over its unix socket and parses
 * the JSON answer. It never waits longer than the signal allows, and refuses an answer over maxBytes.
 */
export function engineGet<T>(
  socketPath: string,
  path: string,
  signal?: AbortSignal,
  maxBytes = 8 << 20,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const req = request(
      { socketPath, path, method: 'GET', headers: { host: 'docker', accept: 'application/json' }, signal },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            req.destroy(new Error(`${socketPath} GET ${path}: answer larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            let message = text.trim();
            try {
              message = (JSON.parse(text) as { message?: string }).message ?? message;
            } catch {
              // not JSON: keep the text
            }
            reject(new EngineError(status, `${socketPath} GET ${path}: ${status} ${message}`));
            return;
          }
          try {
            resolve(JSON.parse(text) as T);
          } catch (err) {
            reject(new Error(`${socketPath} GET ${path}: invalid JSON (${(err as Error).message})`));
          }
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.name === 'AbortError'
          ? new Error(`${socketPath} GET ${path}: aborted`, { cause: err })
          : new Error(`${socketPath} GET ${path}: ${err.message}`, { cause: err }),
      ),
    );
    req.end();
  });
}

/** mapLimit runs fn over items with at most `limit` at a time, keeping the order of the results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
