import { join } from 'node:path';
import type { Collector } from '../collector';
import { type LinuxPaths, parseNumber, readText } from './paths';

/** loadavgCollector exposes node_load1/5/15 from the first three fields of /proc/loadavg. */
export function loadavgCollector(paths: LinuxPaths): Collector {
  return {
    name: 'loadavg',
    async collect(out) {
      const file = join(paths.procfs, 'loadavg');
      const f = (await readText(file)).trim().split(/\s+/);
      out.gauge('node_load1', '1m load average.', parseNumber(f[0], `${file}: field 1`));
      out.gauge('node_load5', '5m load average.', parseNumber(f[1], `${file}: field 2`));
      out.gauge('node_load15', '15m load average.', parseNumber(f[2], `${file}: field 3`));
    },
  };
}
