import { parseArgs } from 'node:util';

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
    localAgent: !values['no-local-agent'],
  };
}
