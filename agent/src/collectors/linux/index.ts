import { join } from 'node:path';
import type { Collector } from '../collector';
import { cpuCollector } from './cpu';
import { diskstatsCollector, type DiskstatsOptions } from './diskstats';
import { filesystemCollector, type FilesystemOptions } from './filesystem';
import { hwmonCollector } from './hwmon';
import { loadavgCollector } from './loadavg';
import { meminfoCollector } from './meminfo';
import { netdevCollector, type NetdevOptions } from './netdev';
import { linuxPaths } from './paths';
import { pressureCollector } from './pressure';
import { statCollector } from './stat';
import { systemdCollector, type SystemdOptions } from '../systemd/systemd';
import { timeCollector } from './time';
import { unameCollector } from './uname';

/** LinuxCollectorOptions are the settings of every Linux collector; all default to node_exporter 1.5's. */
export interface LinuxCollectorOptions {
  /** rootDir is where proc/, sys/ and run/udev/data live and what mount points are resolved under. */
  rootDir?: string;
  filesystem?: FilesystemOptions;
  diskstats?: DiskstatsOptions;
  netdev?: NetdevOptions;
  systemd?: SystemdOptions;
}

/** linuxCollectors builds the agent's Linux collectors, named as node_exporter names them. */
export function linuxCollectors(opts: LinuxCollectorOptions = {}): Collector[] {
  const paths = linuxPaths(opts.rootDir);
  return [
    cpuCollector(paths),
    diskstatsCollector(paths, opts.diskstats),
    filesystemCollector(paths, opts.filesystem),
    hwmonCollector(paths),
    loadavgCollector(paths),
    meminfoCollector(paths),
    netdevCollector(paths, opts.netdev),
    pressureCollector(paths),
    statCollector(paths),
    systemdCollector(opts.systemd, join(opts.rootDir ?? '/', 'run')),
    timeCollector(paths),
    unameCollector(paths),
  ];
}
