import { isAbsolute, resolve } from 'node:path';
import type { DiscoveryConfig } from './api';
import type { Report } from './load';
import type { RawConfig } from './schema';
import { formatDuration } from './units';

const SECOND = 1000;
/** DISCOVERY_DEFAULTS: a vanished agent shows as down within about half a minute of its last answer. */
export const DISCOVERY_DEFAULTS = { queryInterval: 10 * SECOND, expireAfter: 35 * SECOND } as const;

/**
 * buildDiscovery fills the `discovery:` section's defaults. expire_after must exceed query_interval, or
 * every agent would flap down between two queries; the enrollment token file is resolved against the
 * config file's folder like every other path in it.
 */
export function buildDiscovery(
  d: NonNullable<RawConfig['discovery']>,
  dir: string,
  at: Report,
): DiscoveryConfig {
  const m = d.mdns ?? {};
  const queryInterval = m.query_interval || DISCOVERY_DEFAULTS.queryInterval;
  const expireAfter = m.expire_after || DISCOVERY_DEFAULTS.expireAfter;
  if (expireAfter <= queryInterval)
    at(
      ['discovery', 'mdns', m.expire_after ? 'expire_after' : 'query_interval'],
      `expire_after (${formatDuration(expireAfter)}) must be longer than query_interval (${formatDuration(queryInterval)})`,
    );
  const tokenFile = d.enrollment_token_file;
  return {
    mdns: {
      enabled: m.enabled ?? true,
      interfaces: m.interfaces ?? [],
      query_interval: queryInterval,
      expire_after: expireAfter,
      browse_exporters: m.browse_exporters ?? true,
    },
    ...(tokenFile !== undefined
      ? { enrollment_token_file: isAbsolute(tokenFile) ? tokenFile : resolve(dir, tokenFile) }
      : {}),
  };
}
