import { parseArgs } from 'node:util';
import { parseDuration } from './config/api';

/** ListenAddress is where an HTTP listener binds. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** UsageError is a bad command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** parseListen reads `HOST:PORT`, `[v6]:PORT` or `:PORT` (all interfaces), as Prometheus's flags do. */
export function parseListen(text: string, flag = '--listen'): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535)
    throw new UsageError(`${flag}: expected HOST:PORT (e.g. 127.0.0.1:9742), got "${text}"`);
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** ServeArgs are the options of `vigie serve`; undefined fields fall back to the config file, then defaults. */
export interface ServeArgs {
  data?: string;
  listen?: ListenAddress;
  config?: string;
  mdns: boolean;
  /** mdnsInterfaces (repeatable --mdns-interface) replaces config discovery.mdns.interfaces when given. */
  mdnsInterfaces?: string[];
  /** enrollmentTokenFile holds the token that lets agents be adopted without a click. */
  enrollmentTokenFile?: string;
  /** mdnsQueryIntervalMs and mdnsExpireAfterMs tune how fast a silent agent is marked down. */
  mdnsQueryIntervalMs?: number;
  mdnsExpireAfterMs?: number;
  localAgent: boolean;
}

/** parseServeArgs reads `vigie serve`'s flags; unknown flags are a UsageError naming them. */
export function parseServeArgs(argv: string[]): ServeArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        listen: { type: 'string' },
        config: { type: 'string' },
        'no-mdns': { type: 'boolean', default: false },
        'mdns-interface': { type: 'string', multiple: true },
        'enrollment-token-file': { type: 'string' },
        'mdns-query-interval': { type: 'string' },
        'mdns-expire-after': { type: 'string' },
        'no-local-agent': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return {
    data: values.data,
    listen: values.listen === undefined ? undefined : parseListen(values.listen),
    config: values.config,
    mdns: !values['no-mdns'],
    mdnsInterfaces: values['mdns-interface'],
    enrollmentTokenFile: values['enrollment-token-file'],
    mdnsQueryIntervalMs: durationFlag('--mdns-query-interval', values['mdns-query-interval']),
    mdnsExpireAfterMs: durationFlag('--mdns-expire-after', values['mdns-expire-after']),
    localAgent: !values['no-local-agent'],
  };
}

/** durationFlag reads a positive Prometheus-style duration flag (e.g. 10s, 500ms). */
function durationFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`${flag}: expected a positive duration such as 10s or 500ms, got "${text}"`);
  return ms;
}

/** ImportArgs are the options of `vigie import`. */
export interface ImportArgs {
  file: string;
  data?: string;
  config?: string;
  /** batchBytes is the size of one read-and-commit batch; undefined takes the import's default. */
  batchBytes?: number;
}

/** parseImportArgs reads `vigie import [--data DIR] [--config FILE] [--batch-mb N] FILE`. */
export function parseImportArgs(argv: string[]): ImportArgs {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        config: { type: 'string' },
        'batch-mb': { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0
        ? 'import: the OpenMetrics FILE to import is missing'
        : `import: expected one FILE, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  let batchBytes: number | undefined;
  if (values['batch-mb'] !== undefined) {
    const mb = Number(values['batch-mb']);
    if (!Number.isFinite(mb) || mb <= 0 || mb > 1024)
      throw new UsageError(
        `--batch-mb: expected a number of megabytes in (0, 1024], got "${values['batch-mb']}"`,
      );
    batchBytes = Math.max(1, Math.round(mb * 1e6));
  }
  return { file: positionals[0]!, data: values.data, config: values.config, batchBytes };
}
