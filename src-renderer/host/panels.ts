// panels.ts: the host dashboard every host gets without set-up, as PromQL over node_exporter-compatible
// names (the Vigie agent's and node_exporter's). `$__rate_interval` is filled in by the panel from the step.
import type { Unit } from '../format/units';

/** HostPanel is one chart of the generated host dashboard. */
export interface HostPanel {
  title: string;
  unit: Unit;
  stacked?: boolean;
  max?: number;
  queries: { expr: string; legend?: string }[];
}

/** promString quotes a label value for a PromQL selector. */
export function promString(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const RI = '$__rate_interval';
const REAL_FS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|devtmpfs|nsfs|proc|sysfs"';

/** hostPanels lists the host dashboard's charts for one instance. */
export function hostPanels(instance: string): HostPanel[] {
  const i = `instance=${promString(instance)}`;
  const cpus = `scalar(count(node_cpu_seconds_total{${i},mode="idle"}))`;
  return [
    {
      title: 'CPU by mode',
      unit: 'percent',
      stacked: true,
      max: 100,
      queries: [
        {
          expr: `100 * sum by (mode) (rate(node_cpu_seconds_total{${i},mode!="idle"}[${RI}])) / ${cpus}`,
          legend: '{{mode}}',
        },
      ],
    },
    {
      title: 'Load average',
      unit: 'none',
      queries: [
        { expr: `node_load1{${i}}`, legend: '1 min' },
        { expr: `node_load5{${i}}`, legend: '5 min' },
        { expr: `node_load15{${i}}`, legend: '15 min' },
        { expr: `${cpus} + 0 * node_load1{${i}}`, legend: 'CPUs' },
      ],
    },
    {
      title: 'Memory',
      unit: 'bytes',
      stacked: true,
      queries: [
        { expr: `node_memory_MemTotal_bytes{${i}} - node_memory_MemAvailable_bytes{${i}}`, legend: 'used' },
        {
          expr: `node_memory_Buffers_bytes{${i}} + node_memory_Cached_bytes{${i}}`,
          legend: 'cache + buffers',
        },
        { expr: `node_memory_MemFree_bytes{${i}}`, legend: 'free' },
      ],
    },
    {
      title: 'Swap',
      unit: 'bytes',
      queries: [
        { expr: `node_memory_SwapTotal_bytes{${i}} - node_memory_SwapFree_bytes{${i}}`, legend: 'used' },
        { expr: `node_memory_SwapTotal_bytes{${i}}`, legend: 'size' },
      ],
    },
    {
      title: 'Filesystem usage',
      unit: 'percent',
      max: 100,
      queries: [
        {
          expr: `100 * (1 - node_filesystem_avail_bytes{${i},${REAL_FS}} / node_filesystem_size_bytes{${i},${REAL_FS}})`,
          legend: '{{mountpoint}}',
        },
      ],
    },
    {
      title: 'Disk throughput',
      unit: 'bytes/s',
      queries: [
        { expr: `rate(node_disk_read_bytes_total{${i}}[${RI}])`, legend: '{{device}} read' },
        { expr: `rate(node_disk_written_bytes_total{${i}}[${RI}])`, legend: '{{device}} written' },
      ],
    },
    {
      title: 'Disk operations',
      unit: 'ops/s',
      queries: [
        { expr: `rate(node_disk_reads_completed_total{${i}}[${RI}])`, legend: '{{device}} reads' },
        { expr: `rate(node_disk_writes_completed_total{${i}}[${RI}])`, legend: '{{device}} writes' },
      ],
    },
    {
      title: 'Disk busy time',
      unit: 'percent',
      queries: [{ expr: `100 * rate(node_disk_io_time_seconds_total{${i}}[${RI}])`, legend: '{{device}}' }],
    },
    {
      title: 'Network received',
      unit: 'bytes/s',
      queries: [
        { expr: `rate(node_network_receive_bytes_total{${i},device!="lo"}[${RI}])`, legend: '{{device}}' },
      ],
    },
    {
      title: 'Network sent',
      unit: 'bytes/s',
      queries: [
        { expr: `rate(node_network_transmit_bytes_total{${i},device!="lo"}[${RI}])`, legend: '{{device}}' },
      ],
    },
    {
      title: 'Network errors and drops',
      unit: 'ops/s',
      queries: [
        {
          expr: `rate(node_network_receive_errs_total{${i},device!="lo"}[${RI}])`,
          legend: '{{device}} rx errors',
        },
        {
          expr: `rate(node_network_transmit_errs_total{${i},device!="lo"}[${RI}])`,
          legend: '{{device}} tx errors',
        },
        {
          expr: `rate(node_network_receive_drop_total{${i},device!="lo"}[${RI}])`,
          legend: '{{device}} rx drops',
        },
      ],
    },
    {
      title: 'Temperatures',
      unit: 'celsius',
      queries: [{ expr: `node_hwmon_temp_celsius{${i}}`, legend: '{{chip}} {{sensor}}' }],
    },
    {
      title: 'Context switches and interrupts',
      unit: 'ops/s',
      queries: [
        { expr: `rate(node_context_switches_total{${i}}[${RI}])`, legend: 'context switches' },
        { expr: `rate(node_intr_total{${i}}[${RI}])`, legend: 'interrupts' },
      ],
    },
    {
      title: 'Processes',
      unit: 'none',
      queries: [
        { expr: `node_procs_running{${i}}`, legend: 'running' },
        { expr: `node_procs_blocked{${i}}`, legend: 'blocked' },
        { expr: `rate(node_forks_total{${i}}[${RI}])`, legend: 'forks/s' },
      ],
    },
    {
      title: 'File descriptors',
      unit: 'none',
      queries: [{ expr: `node_filefd_allocated{${i}}`, legend: 'allocated' }],
    },
    {
      title: 'CPU frequency',
      unit: 'none',
      queries: [{ expr: `node_cpu_scaling_frequency_hertz{${i}} / 1e6`, legend: 'cpu {{cpu}} (MHz)' }],
    },
  ];
}

/** MountRow is one filesystem of the host's table, with a linear time-to-full estimate. */
export interface MountQuerySet {
  size: string;
  avail: string;
  /** trend is bytes/s of free-space change over the last 6 h (negative: filling up). */
  trend: string;
}

/** mountQueries are the instant queries behind the filesystem table. */
export function mountQueries(instance: string): MountQuerySet {
  const sel = `{instance=${promString(instance)},${REAL_FS}}`;
  return {
    size: `node_filesystem_size_bytes${sel}`,
    avail: `node_filesystem_avail_bytes${sel}`,
    trend: `deriv(node_filesystem_avail_bytes${sel}[6h])`,
  };
}

/** timeToFull is how long until a filesystem fills at its current trend; Infinity when not filling. */
export function timeToFull(avail: number, bytesPerSecond: number): number {
  if (!(bytesPerSecond < 0)) return Infinity;
  return avail / -bytesPerSecond;
}

/** summaryQueries are the host header's single values. */
export function summaryQueries(instance: string): Record<string, string> {
  const i = `instance=${promString(instance)}`;
  return {
    uptime: `node_time_seconds{${i}} - node_boot_time_seconds{${i}}`,
    cpus: `count(node_cpu_seconds_total{${i},mode="idle"})`,
    memory: `node_memory_MemTotal_bytes{${i}}`,
    up: `up{${i}}`,
  };
}
