import { join } from 'node:path';
import type { MetricSet } from '../../metrics';
import type { Collector } from '../collector';
import { type LinuxPaths, parseNumber, readText } from './paths';

/**
 * statCollector exposes the system-wide counters of /proc/stat the way node_exporter's `stat` collector
 * does: boot time, context switches, interrupts, forks and the running/blocked process counts.
 */
export function statCollector(paths: LinuxPaths): Collector {
  return {
    name: 'stat',
    async collect(out) {
      const file = join(paths.procfs, 'stat');
      parseStat(await readText(file), file, out);
    },
  };
}

/** parseStat reads the `intr`, `ctxt`, `btime`, `processes` and `procs_*` lines of /proc/stat. */
export function parseStat(text: string, file: string, out: MetricSet): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const key = line.slice(0, sp);
    const first = (): number =>
      parseNumber(
        line
          .slice(sp + 1)
          .trim()
          .split(/\s+/)[0],
        `${file}:${i + 1} (${key})`,
      );
    switch (key) {
      case 'intr':
        out.counter('node_intr_total', 'Total number of interrupts serviced.', first());
        break;
      case 'ctxt':
        out.counter('node_context_switches_total', 'Total number of context switches.', first());
        break;
      case 'btime':
        out.gauge('node_boot_time_seconds', 'Node boot time, in unixtime.', first());
        break;
      case 'processes':
        out.counter('node_forks_total', 'Total number of forks.', first());
        break;
      case 'procs_running':
        out.gauge('node_procs_running', 'Number of processes in runnable state.', first());
        break;
      case 'procs_blocked':
        out.gauge('node_procs_blocked', 'Number of processes blocked waiting for I/O to complete.', first());
        break;
    }
  }
}
