import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricSet } from '../../metrics';
import type { Collector } from '../collector';
import { type LinuxPaths, readOptional } from './paths';
import { localZoneName } from './timezone';

/**
 * timeCollector exposes node_time_seconds, node_time_zone_offset_seconds{time_zone} and the clocksources of
 * /sys/devices/system/clocksource, as node_exporter 1.5's `time` collector does.
 */
export function timeCollector(paths: LinuxPaths, now: () => Date = () => new Date()): Collector {
  return {
    name: 'time',
    async collect(out) {
      const d = now();
      out.gauge('node_time_seconds', 'System time in seconds since epoch (1970).', d.getTime() / 1000);
      const offset = -d.getTimezoneOffset() * 60;
      out.gauge('node_time_zone_offset_seconds', 'System time zone offset in seconds.', offset, {
        time_zone: await localZoneName(d, offset),
      });
      await collectClocksources(paths, out);
    },
  };
}

async function collectClocksources(paths: LinuxPaths, out: MetricSet): Promise<void> {
  const base = join(paths.sysfs, 'devices/system/clocksource');
  let names: string[];
  try {
    names = (await readdir(base)).filter((n) => /^clocksource\d+$/.test(n));
  } catch {
    return;
  }
  for (const n of names) {
    const device = n.slice('clocksource'.length);
    const available = await readOptional(join(base, n, 'available_clocksource'));
    for (const cs of available?.trim().split(/\s+/) ?? []) {
      if (cs === '') continue;
      out.gauge(
        'node_time_clocksource_available_info',
        "Available clocksources read from '/sys/devices/system/clocksource'.",
        1,
        { clocksource: cs, device },
      );
    }
    const current = (await readOptional(join(base, n, 'current_clocksource')))?.trim();
    if (current !== undefined && current !== '') {
      out.gauge(
        'node_time_clocksource_current_info',
        "Current clocksource read from '/sys/devices/system/clocksource'.",
        1,
        { clocksource: current, device },
      );
    }
  }
}
