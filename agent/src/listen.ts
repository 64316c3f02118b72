import { isIP } from 'node:net';

/** ListenAddress is a parsed `HOST:PORT`. */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * parseListen parses `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all interfaces), throwing an error that quotes
 * the bad value and says what is expected.
 */
export function parseListen(text: string): ListenAddress {
  const bad = (why: string): Error =>
    new Error(`invalid --listen ${JSON.stringify(text)}: ${why} (expected HOST:PORT, e.g. 127.0.0.1:9740)`);
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d+)$/.exec(text);
  if (m === null) throw bad('missing or malformed ":PORT"');
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw bad(`port ${m[3]} is out of range 0-65535`);
  if (m[1] !== undefined) {
    if (isIP(m[1]) !== 6) throw bad(`${JSON.stringify(m[1])} is not an IPv6 address`);
    return { host: m[1], port };
  }
  const host = m[2] === '' ? '0.0.0.0' : m[2]!;
  if (!/^[A-Za-z0-9.-]+$/.test(host)) throw bad(`${JSON.stringify(host)} is not a host name or IPv4 address`);
  return { host, port };
}
