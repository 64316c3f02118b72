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
  /** missing says what the host lacks when the panel has no data (shown instead of an empty chart). */
  missing: string;
}

/** promString quotes a label value for a PromQL selector. */
export function promString(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const RI = '$__rate_interval';
/** REAL_FS leaves out pseudo and in-memory filesystems, as node_exporter's own dashboards do. */
export const REAL_FS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|devtmpfs|nsfs|proc|sysfs"';
/** REAL_DISK leaves out loop and ram devices, which only add noise to the disk charts. */
const REAL_DISK = 'device!~"loop.*|ram.*"';
/** REAL_NIC leaves out loopback and container veths. */
const REAL_NIC = 'device!~"lo|veth.*"';

/** hostPanels lists the host dashboard's charts for one instance (20, in reading order). */
export function hostPanels(instance: string): HostPanel[] {
  const i = `instance=${promString(instance)}`;
  const cpus = `scalar(count(node_cpu_seconds_total{${i},mode="idle"}))`;
  const disk = `${i},${REAL_DISK}`;
  const nic = `${i},${REAL_NIC}`;
  const fs = `${i},${REAL_FS}`;
  const rate = (m: string, sel: string): string => `rate(${m}{${sel}}[${RI}])`;
  return [
    {
      title: 'CPU by mode',
      unit: 'percent',
      stacked: true,
      max: 100,
      missing: 'node_cpu_seconds_total',
      queries: [
        {
          // avg over the CPUs (one series per CPU and mode) = sum / CPU count, without a second selection.
          expr: `100 * avg by (mode) (rate(node_cpu_seconds_total{${i},mode!="idle"}[${RI}]))`,
          legend: '{{mode}}',
        },
      ],
    },
    {
      title: 'Load average',
      unit: 'none',
      missing: 'node_load1',
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
      missing: 'node_memory_MemAvailable_bytes',
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
      missing: 'node_memory_SwapTotal_bytes (no swap configured?)',
      queries: [
        { expr: `node_memory_SwapTotal_bytes{${i}} - node_memory_SwapFree_bytes{${i}}`, legend: 'used' },
        { expr: `node_memory_SwapTotal_bytes{${i}}`, legend: 'size' },
      ],
    },
    {
      title: 'Filesystem usage',
      unit: 'percent',
      max: 100,
      missing: 'node_filesystem_avail_bytes',
      queries: [
        {
          expr: `100 * (1 - node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}})`,
          legend: '{{mountpoint}}',
        },
      ],
    },
    {
      title: 'Filesystem free space, 24 h forecast',
      unit: 'bytes',
      missing: 'node_filesystem_avail_bytes',
      queries: [
        { expr: `node_filesystem_avail_bytes{${fs}}`, legend: '{{mountpoint}}' },
        {
          expr: `clamp_min(predict_linear(node_filesystem_avail_bytes{${fs}}[6h], 86400), 0)`,
          legend: '{{mountpoint}} in 24 h',
        },
      ],
    },
    {
      title: 'Inodes used',
      unit: 'percent',
      max: 100,
      missing: 'node_filesystem_files',
      queries: [
        {
          expr: `100 * (1 - node_filesystem_files_free{${fs}} / node_filesystem_files{${fs}})`,
          legend: '{{mountpoint}}',
        },
      ],
    },
    {
      title: 'Disk throughput',
      unit: 'bytes/s',
      missing: 'node_disk_read_bytes_total',
      queries: [
        { expr: rate('node_disk_read_bytes_total', disk), legend: '{{device}} read' },
        { expr: rate('node_disk_written_bytes_total', disk), legend: '{{device}} written' },
      ],
    },
    {
      title: 'Disk IOPS',
      unit: 'ops/s',
      missing: 'node_disk_reads_completed_total',
      queries: [
        { expr: rate('node_disk_reads_completed_total', disk), legend: '{{device}} reads' },
        { expr: rate('node_disk_writes_completed_total', disk), legend: '{{device}} writes' },
      ],
    },
    {
      title: 'Disk utilisation',
      unit: 'percent',
      max: 100,
      missing: 'node_disk_io_time_seconds_total',
      queries: [{ expr: `100 * ${rate('node_disk_io_time_seconds_total', disk)}`, legend: '{{device}}' }],
    },
    {
      title: 'Disk latency',
      unit: 'seconds',
      missing: 'node_disk_read_time_seconds_total',
      queries: [
        {
          expr: `${rate('node_disk_read_time_seconds_total', disk)} / ${rate('node_disk_reads_completed_total', disk)} > 0`,
          legend: '{{device}} read',
        },
        {
          expr: `${rate('node_disk_write_time_seconds_total', disk)} / ${rate('node_disk_writes_completed_total', disk)} > 0`,
          legend: '{{device}} write',
        },
      ],
    },
    {
      title: 'Network traffic',
      unit: 'bytes/s',
      missing: 'node_network_receive_bytes_total',
      queries: [
        { expr: rate('node_network_receive_bytes_total', nic), legend: '{{device}} in' },
        { expr: rate('node_network_transmit_bytes_total', nic), legend: '{{device}} out' },
      ],
    },
    {
      title: 'Network packets',
      unit: 'ops/s',
      missing: 'node_network_receive_packets_total',
      queries: [
        { expr: rate('node_network_receive_packets_total', nic), legend: '{{device}} in' },
        { expr: rate('node_network_transmit_packets_total', nic), legend: '{{device}} out' },
      ],
    },
    {
      title: 'Network errors and drops',
      unit: 'ops/s',
      missing: 'node_network_receive_errs_total',
      queries: [
        {
          expr: `${rate('node_network_receive_errs_total', nic)} + ${rate('node_network_transmit_errs_total', nic)}`,
          legend: '{{device}} errors',
        },
        {
          expr: `${rate('node_network_receive_drop_total', nic)} + ${rate('node_network_transmit_drop_total', nic)}`,
          legend: '{{device}} drops',
        },
      ],
    },
    {
      title: 'Temperatures',
      unit: 'celsius',
      missing: 'node_hwmon_temp_celsius (no readable sensor, e.g. a VM)',
      queries: [{ expr: `node_hwmon_temp_celsius{${i}}`, legend: '{{chip}} {{sensor}}' }],
    },
    {
      title: 'Uptime',
      unit: 'seconds',
      missing: 'node_boot_time_seconds',
      queries: [{ expr: `node_time_seconds{${i}} - node_boot_time_seconds{${i}}`, legend: 'uptime' }],
    },
    {
      title: 'Context switches and interrupts',
      unit: 'ops/s',
      missing: 'node_context_switches_total',
      queries: [
        { expr: rate('node_context_switches_total', i), legend: 'context switches' },
        { expr: rate('node_intr_total', i), legend: 'interrupts' },
      ],
    },
    {
      title: 'Processes',
      unit: 'none',
      missing: 'node_procs_running',
      queries: [
        { expr: `node_procs_running{${i}}`, legend: 'running' },
        { expr: `node_procs_blocked{${i}}`, legend: 'blocked' },
        { expr: rate('node_forks_total', i), legend: 'forks/s' },
      ],
    },
    {
      title: 'Pressure (PSI)',
      unit: 'percent',
      max: 100,
      missing: 'node_pressure_* (Linux ≥ 4.20 with pressure stall information enabled)',
      queries: [
        { expr: `100 * ${rate('node_pressure_cpu_waiting_seconds_total', i)}`, legend: 'CPU some' },
        { expr: `100 * ${rate('node_pressure_memory_waiting_seconds_total', i)}`, legend: 'memory some' },
        { expr: `100 * ${rate('node_pressure_io_waiting_seconds_total', i)}`, legend: 'I/O some' },
      ],
    },
    {
      title: 'File descriptors',
      unit: 'none',
      missing: 'node_filefd_allocated',
      queries: [{ expr: `node_filefd_allocated{${i}}`, legend: 'allocated' }],
    },
  ];
}

/** MountQuerySet are the instant queries behind the filesystem table. */
export interface MountQuerySet {
  size: string;
  avail: string;
  /** trend is bytes/s of free-space change over the last 6 h (negative: filling up). */
  trend: string;
  /** week is the free space predict_linear expects in 7 days at the 6 h trend. */
  week: string;
}

/** mountQueries are the instant queries behind the filesystem table. */
export function mountQueries(instance: string): MountQuerySet {
  const sel = `{instance=${promString(instance)},${REAL_FS}}`;
  return {
    size: `node_filesystem_size_bytes${sel}`,
    avail: `node_filesystem_avail_bytes${sel}`,
    trend: `deriv(node_filesystem_avail_bytes${sel}[6h])`,
    week: `predict_linear(node_filesystem_avail_bytes${sel}[6h], 7 * 86400)`,
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
