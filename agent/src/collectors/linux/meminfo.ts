import { join } from 'node:path';
import type { MetricSet } from '../../metrics';
import type { Collector } from '../collector';
import { type LinuxPaths, parseNumber, readText } from './paths';

/**
 * meminfoCollector exposes every /proc/meminfo line as node_memory_<Field>[_bytes]: node_exporter's naming,
 * where `Active(anon)` becomes `Active_anon` and a `kB` unit is converted to bytes and suffixed `_bytes`,
 * while unitless fields (HugePages_Total) keep their name and value.
 */
export function meminfoCollector(paths: LinuxPaths): Collector {
  return {
    name: 'meminfo',
    async collect(out) {
      const file = join(paths.procfs, 'meminfo');
      parseMeminfo(await readText(file), file, out);
    },
  };
}

/** parseMeminfo turns the text of /proc/meminfo into node_memory_* gauges. */
export function parseMeminfo(text: string, file: string, out: MetricSet): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error(`${file}:${i + 1}: expected "Field: value", got ${JSON.stringify(line)}`);
    const parts = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    let value = parseNumber(parts[0], `${file}:${i + 1}`);
    let key = line.slice(0, colon).replace(/\((.*)\)/, '_$1');
    if (parts[1] === 'kB') {
      value *= 1024;
      key += '_bytes';
    }
    out.gauge(`node_memory_${key}`, `Memory information field ${key}.`, value);
  }
}
