import { readdirSync, readFileSync } from 'node:fs';
import type { MetricSet } from './metrics';

/** CLK_TCK is the unit of /proc/<pid>/stat's start time: USER_HZ, 100 on every Linux architecture. */
const CLK_TCK = 100;

/**
 * collectProcessMetrics adds the agent's own process_* metrics, the set every Prometheus client library
 * exposes. On Linux they come from /proc/self as client_golang reads them; elsewhere from Node's process
 * API, which has no virtual size or descriptor counts, so those are omitted there.
 */
export async function collectProcessMetrics(out: MetricSet, procfs = '/proc'): Promise<void> {
  const cpu = process.cpuUsage();
  out.counter(
    'process_cpu_seconds_total',
    'Total user and system CPU time spent in seconds.',
    (cpu.user + cpu.system) / 1e6,
  );
  if (process.platform !== 'linux') {
    out.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', process.memoryUsage.rss());
    out.gauge(
      'process_start_time_seconds',
      'Start time of the process since unix epoch in seconds.',
      Date.now() / 1000 - process.uptime(),
    );
    return;
  }
  // Synchronous on purpose: procfs files never wait on a disk (see collectors/linux/paths.ts readText).
  const stat = readFileSync(`${procfs}/self/stat`, 'utf8');
  const status = readFileSync(`${procfs}/self/status`, 'utf8');
  const limits = readFileSync(`${procfs}/self/limits`, 'utf8');
  const btime = Number(/^btime (\d+)/m.exec(readFileSync(`${procfs}/stat`, 'utf8'))?.[1]);
  const fds = readdirSync(`${procfs}/self/fd`);
  // Fields after the parenthesised command name, which may itself hold spaces.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(f[19]);
  const vsize = Number(f[20]);
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  out.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', rssKb * 1024);
  out.gauge('process_virtual_memory_bytes', 'Virtual memory size in bytes.', vsize);
  out.gauge(
    'process_start_time_seconds',
    'Start time of the process since unix epoch in seconds.',
    btime + startTicks / CLK_TCK,
  );
  out.gauge('process_open_fds', 'Number of open file descriptors.', fds.length);
  const maxFds = limitOf(limits, 'Max open files');
  if (maxFds !== undefined) out.gauge('process_max_fds', 'Maximum number of open file descriptors.', maxFds);
  const maxVm = limitOf(limits, 'Max address space');
  if (maxVm !== undefined) {
    out.gauge(
      'process_virtual_memory_max_bytes',
      'Maximum amount of virtual memory available in bytes.',
      maxVm,
    );
  }
}

/** limitOf reads the soft limit of one row of /proc/self/limits; `unlimited` is the largest uint64, as in client_golang. */
function limitOf(limits: string, row: string): number | undefined {
  const line = limits.split('\n').find((l) => l.startsWith(row));
  if (line === undefined) return undefined;
  const soft = line.slice(26).trim().split(/\s+/)[0];
  if (soft === 'unlimited') return 2 ** 64;
  const n = Number(soft);
  return Number.isNaN(n) ? undefined : n;
}
