import { statfs } from 'node:fs/promises';
import os from 'node:os';
import { parse } from 'node:path';
import type { Collector } from './collector';

/** PortableOptions lets tests and odd platforms choose what the portable collectors look at. */
export interface PortableOptions {
  /** rootPath is the filesystem reported by the filesystem collector: `/`, or the drive of the working directory on Windows. */
  rootPath?: string;
}

/**
 * portableCollectors gives macOS and Windows the node_exporter names that Node's `os` and `fs.statfs` can
 * fill: cpu times, load (not on Windows, where Node reports zeros), memory total/free under the Linux
 * meminfo names so one dashboard serves every agent, the root filesystem, boot time, time and uname.
 * Network counters are omitted: os.networkInterfaces() has none.
 */
export function portableCollectors(opts: PortableOptions = {}): Collector[] {
  const rootPath = opts.rootPath ?? (process.platform === 'win32' ? parse(process.cwd()).root : '/');
  const collectors: Collector[] = [
    {
      name: 'cpu',
      async collect(out) {
        os.cpus().forEach((c, i) => {
          for (const [mode, ms] of Object.entries(c.times)) {
            out.counter('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.', ms / 1000, {
              cpu: String(i),
              mode,
            });
          }
        });
      },
    },
    {
      name: 'meminfo',
      async collect(out) {
        out.gauge('node_memory_MemTotal_bytes', 'Memory information field MemTotal_bytes.', os.totalmem());
        out.gauge('node_memory_MemFree_bytes', 'Memory information field MemFree_bytes.', os.freemem());
      },
    },
    {
      name: 'filesystem',
      async collect(out) {
        const s = await statfs(rootPath);
        const labels = { device: rootPath, fstype: `0x${s.type.toString(16)}`, mountpoint: rootPath };
        out.gauge(
          'node_filesystem_device_error',
          'Whether an error occurred while getting statistics for the given device.',
          0,
          labels,
        );
        out.gauge('node_filesystem_size_bytes', 'Filesystem size in bytes.', s.blocks * s.bsize, labels);
        out.gauge('node_filesystem_free_bytes', 'Filesystem free space in bytes.', s.bfree * s.bsize, labels);
        out.gauge(
          'node_filesystem_avail_bytes',
          'Filesystem space available to non-root users in bytes.',
          s.bavail * s.bsize,
          labels,
        );
        out.gauge('node_filesystem_files', 'Filesystem total file nodes.', s.files, labels);
        out.gauge('node_filesystem_files_free', 'Filesystem total free file nodes.', s.ffree, labels);
      },
    },
    {
      name: 'stat',
      async collect(out) {
        out.gauge(
          'node_boot_time_seconds',
          'Node boot time, in unixtime.',
          Math.round(Date.now() / 1000 - os.uptime()),
        );
      },
    },
    {
      name: 'time',
      async collect(out) {
        out.gauge('node_time_seconds', 'System time in seconds since epoch (1970).', Date.now() / 1000);
      },
    },
    {
      name: 'uname',
      async collect(out) {
        out.gauge('node_uname_info', 'Labeled system information as provided by the uname system call.', 1, {
          domainname: '(none)',
          machine: os.machine(),
          nodename: os.hostname(),
          release: os.release(),
          sysname: os.type(),
          version: os.version(),
        });
      },
    },
  ];
  if (process.platform !== 'win32') {
    collectors.push({
      name: 'loadavg',
      async collect(out) {
        const [l1, l5, l15] = os.loadavg();
        out.gauge('node_load1', '1m load average.', l1 ?? 0);
        out.gauge('node_load5', '5m load average.', l5 ?? 0);
        out.gauge('node_load15', '15m load average.', l15 ?? 0);
      },
    });
  }
  return collectors;
}
