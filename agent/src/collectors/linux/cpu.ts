import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricSet } from '../../metrics';
import type { Collector } from '../collector';
import { type LinuxPaths, parseNumber, readOptional, readText } from './paths';

/** USER_HZ is the unit of /proc/stat's cpu times: 100 ticks a second on every Linux architecture. */
const USER_HZ = 100;

const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

/**
 * cpuCollector exposes node_cpu_seconds_total{cpu,mode} and node_cpu_guest_seconds_total{cpu,mode} from the
 * per-CPU lines of /proc/stat, plus node_exporter's thermal-throttle counters where sysfs has them.
 */
export function cpuCollector(paths: LinuxPaths): Collector {
  return {
    name: 'cpu',
    async collect(out) {
      const file = join(paths.procfs, 'stat');
      parseCpuStat(await readText(file), file, out);
      await collectThrottles(paths, out);
    },
  };
}

/** parseCpuStat reads the `cpuN` lines of /proc/stat (not the aggregate `cpu` line, which node_exporter skips). */
export function parseCpuStat(text: string, file: string, out: MetricSet): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith('cpu') || line.startsWith('cpu ')) continue;
    const f = line.trim().split(/\s+/);
    const cpu = f[0]!.slice(3);
    const where = (k: number): string => `${file}:${i + 1}: field ${k + 1}`;
    for (let m = 0; m < MODES.length; m++) {
      const raw = f[m + 1];
      if (raw === undefined) break; // old kernels have fewer columns
      out.counter(
        'node_cpu_seconds_total',
        'Seconds the CPUs spent in each mode.',
        parseNumber(raw, where(m + 1)) / USER_HZ,
        {
          cpu,
          mode: MODES[m]!,
        },
      );
    }
    const guestHelp = 'Seconds the CPUs spent in guests (VMs) for each mode.';
    if (f[9] !== undefined) {
      out.counter('node_cpu_guest_seconds_total', guestHelp, parseNumber(f[9], where(9)) / USER_HZ, {
        cpu,
        mode: 'user',
      });
    }
    if (f[10] !== undefined) {
      out.counter('node_cpu_guest_seconds_total', guestHelp, parseNumber(f[10], where(10)) / USER_HZ, {
        cpu,
        mode: 'nice',
      });
    }
  }
}

/**
 * collectThrottles adds node_cpu_core_throttles_total{core,package} and node_cpu_package_throttles_total{package}
 * from /sys/devices/system/cpu/cpuN/thermal_throttle, counting each core and package once as node_exporter does.
 */
async function collectThrottles(paths: LinuxPaths, out: MetricSet): Promise<void> {
  const base = join(paths.sysfs, 'devices/system/cpu');
  let names: string[];
  try {
    names = (await readdir(base)).filter((n) => /^cpu\d+$/.test(n));
  } catch {
    return;
  }
  const cores = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const n of names) {
    const dir = join(base, n);
    const coreCount = await readOptional(join(dir, 'thermal_throttle/core_throttle_count'));
    if (coreCount === undefined) continue;
    const pkg = (await readOptional(join(dir, 'topology/physical_package_id')))?.trim() ?? '0';
    const core = (await readOptional(join(dir, 'topology/core_id')))?.trim() ?? n.slice(3);
    const key = `${pkg}\u0000${core}`;
    if (!cores.has(key))
      cores.set(key, parseNumber(coreCount.trim(), join(dir, 'thermal_throttle/core_throttle_count')));
    const pkgCount = await readOptional(join(dir, 'thermal_throttle/package_throttle_count'));
    if (pkgCount !== undefined && !packages.has(pkg)) {
      packages.set(pkg, parseNumber(pkgCount.trim(), join(dir, 'thermal_throttle/package_throttle_count')));
    }
  }
  for (const [key, v] of cores) {
    const [pkg, core] = key.split('\u0000') as [string, string];
    out.counter('node_cpu_core_throttles_total', 'Number of times this CPU core has been throttled.', v, {
      core,
      package: pkg,
    });
  }
  for (const [pkg, v] of packages) {
    out.counter(
      'node_cpu_package_throttles_total',
      'Number of times this CPU package has been throttled.',
      v,
      { package: pkg },
    );
  }
}
