import { join } from 'node:path';
import type { MetricSet } from '../../metrics';
import type { Collector } from '../collector';
import { type LinuxPaths, parseNumber, readOptional } from './paths';

/**
 * pressureCollector exposes node_exporter 1.5's pressure-stall counters from /proc/pressure/{cpu,io,memory}
 * (kernel 4.20+): the `total=` of the `some` line ("waiting") and, for io and memory, of the `full` line
 * ("stalled"), converted from microseconds to seconds. Without /proc/pressure it exposes nothing.
 */
export function pressureCollector(paths: LinuxPaths): Collector {
  return {
    name: 'pressure',
    async collect(out) {
      for (const res of ['cpu', 'io', 'memory'] as const) {
        const file = join(paths.procfs, 'pressure', res);
        const text = await readOptional(file);
        if (text !== undefined) parsePressure(res, text, file, out);
      }
    },
  };
}

const HELP = {
  cpu: { some: 'Total time in seconds that processes have waited for CPU time' },
  io: {
    some: 'Total time in seconds that processes have waited due to IO congestion',
    full: 'Total time in seconds no process could make progress due to IO congestion',
  },
  memory: {
    some: 'Total time in seconds that processes have waited for memory',
    full: 'Total time in seconds no process could make progress due to memory congestion',
  },
} as const;

/** parsePressure reads one /proc/pressure file: lines `some|full avg10=.. avg60=.. avg300=.. total=N`. */
export function parsePressure(
  res: 'cpu' | 'io' | 'memory',
  text: string,
  file: string,
  out: MetricSet,
): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    const kind = f[0];
    if (kind !== 'some' && kind !== 'full') continue;
    const help = (HELP[res] as Record<string, string>)[kind];
    if (help === undefined) continue;
    const total = f.find((x) => x.startsWith('total='));
    const v = parseNumber(total?.slice(6), `${file}:${i + 1} (total)`) / 1e6;
    const name = `node_pressure_${res}_${kind === 'some' ? 'waiting' : 'stalled'}_seconds_total`;
    out.counter(name, help, v);
  }
}
