import { join } from 'node:path';
import type { MetricSet } from '../../metrics';
import type { Collector } from '../collector';
import { type LinuxPaths, parseNumber, readOptional, readText } from './paths';

/** DEFAULT_DISK_DEVICE_EXCLUDE is node_exporter 1.5's default --collector.diskstats.device-exclude. */
export const DEFAULT_DISK_DEVICE_EXCLUDE = '^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$';

/** SECTOR_BYTES: /proc/diskstats counts standard 512-byte UNIX sectors whatever the device's block size. */
const SECTOR_BYTES = 512;
const MS = 1 / 1000;

/**
 * DISK_FIELDS lists, in /proc/diskstats column order, node_exporter's metric for each column and the factor
 * to its unit. A kernel that prints fewer columns (no discard before 4.18, no flush before 5.5) gets fewer.
 */
const DISK_FIELDS: ReadonlyArray<readonly [string, 'counter' | 'gauge', number, string]> = [
  ['node_disk_reads_completed_total', 'counter', 1, 'The total number of reads completed successfully.'],
  ['node_disk_reads_merged_total', 'counter', 1, 'The total number of reads merged.'],
  ['node_disk_read_bytes_total', 'counter', SECTOR_BYTES, 'The total number of bytes read successfully.'],
  ['node_disk_read_time_seconds_total', 'counter', MS, 'The total number of seconds spent by all reads.'],
  ['node_disk_writes_completed_total', 'counter', 1, 'The total number of writes completed successfully.'],
  ['node_disk_writes_merged_total', 'counter', 1, 'The number of writes merged.'],
  [
    'node_disk_written_bytes_total',
    'counter',
    SECTOR_BYTES,
    'The total number of bytes written successfully.',
  ],
  [
    'node_disk_write_time_seconds_total',
    'counter',
    MS,
    'This is the total number of seconds spent by all writes.',
  ],
  ['node_disk_io_now', 'gauge', 1, 'The number of I/Os currently in progress.'],
  ['node_disk_io_time_seconds_total', 'counter', MS, 'Total seconds spent doing I/Os.'],
  ['node_disk_io_time_weighted_seconds_total', 'counter', MS, 'The weighted # of seconds spent doing I/Os.'],
  [
    'node_disk_discards_completed_total',
    'counter',
    1,
    'The total number of discards completed successfully.',
  ],
  ['node_disk_discards_merged_total', 'counter', 1, 'The total number of discards merged.'],
  ['node_disk_discarded_sectors_total', 'counter', 1, 'The total number of sectors discarded successfully.'],
  [
    'node_disk_discard_time_seconds_total',
    'counter',
    MS,
    'This is the total number of seconds spent by all discards.',
  ],
  [
    'node_disk_flush_requests_total',
    'counter',
    1,
    'The total number of flush requests completed successfully',
  ],
  [
    'node_disk_flush_requests_time_seconds_total',
    'counter',
    MS,
    'This is the total number of seconds spent by all flush requests.',
  ],
];

/** DiskstatsOptions are the diskstats collector's settings. */
export interface DiskstatsOptions {
  deviceExclude?: string;
}

/**
 * diskstatsCollector exposes node_disk_* per block device from /proc/diskstats, with node_exporter's info
 * metrics built from udev's database (/run/udev/data/b<major>:<minor>) when it is there.
 */
export function diskstatsCollector(paths: LinuxPaths, opts: DiskstatsOptions = {}): Collector {
  const exclude = new RegExp(opts.deviceExclude ?? DEFAULT_DISK_DEVICE_EXCLUDE);
  return {
    name: 'diskstats',
    async collect(out) {
      const file = join(paths.procfs, 'diskstats');
      const lines = (await readText(file)).split('\n');
      for (let i = 0; i < lines.length; i++) {
        const f = lines[i]!.trim().split(/\s+/);
        if (f.length < 4) continue;
        const [major, minor, device] = f as [string, string, string];
        if (exclude.test(device)) continue;
        const udev = parseUdev(await readOptional(join(paths.udevData, `b${major}:${minor}`)));
        emitInfo(device, major, minor, udev, out);
        for (let k = 0; k < DISK_FIELDS.length && k + 3 < f.length; k++) {
          const [name, type, factor, help] = DISK_FIELDS[k]!;
          const v = parseNumber(f[k + 3], `${file}:${i + 1}: ${device} field ${k + 4}`);
          out.add(name, type, help, v * factor, { device });
        }
      }
    },
  };
}

/** parseUdev reads the `E:KEY=value` property lines of one udev database entry. */
export function parseUdev(text: string | undefined): Map<string, string> {
  const props = new Map<string, string>();
  if (text === undefined) return props;
  for (const line of text.split('\n')) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=');
    if (eq > 2) props.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return props;
}

function emitInfo(
  device: string,
  major: string,
  minor: string,
  udev: Map<string, string>,
  out: MetricSet,
): void {
  const p = (k: string): string => udev.get(k) ?? '';
  out.gauge('node_disk_info', 'Info of /sys/block/<block_device>.', 1, {
    device,
    major,
    minor,
    model: p('ID_MODEL'),
    path: p('ID_PATH'),
    revision: p('ID_REVISION'),
    serial: p('SCSI_IDENT_SERIAL') || p('ID_SERIAL_SHORT'),
    wwn: p('ID_WWN'),
  });
  if (p('ID_FS_TYPE') !== '') {
    out.gauge('node_disk_filesystem_info', 'Info about disk filesystem.', 1, {
      device,
      type: p('ID_FS_TYPE'),
      usage: p('ID_FS_USAGE'),
      uuid: p('ID_FS_UUID'),
      version: p('ID_FS_VERSION'),
    });
  }
  if (p('DM_NAME') !== '') {
    out.gauge('node_disk_device_mapper_info', 'Info about disk device mapper.', 1, {
      device,
      name: p('DM_NAME'),
      uuid: p('DM_UUID'),
      vg_name: p('DM_VG_NAME'),
      lv_name: p('DM_LV_NAME'),
      lv_layer: p('DM_LV_LAYER'),
    });
  }
  if (p('ID_ATA') !== '') {
    const ata: ReadonlyArray<readonly [string, string, string]> = [
      ['ID_ATA_WRITE_CACHE', 'node_disk_ata_write_cache', 'ATA disk has a write cache.'],
      [
        'ID_ATA_WRITE_CACHE_ENABLED',
        'node_disk_ata_write_cache_enabled',
        'ATA disk has its write cache enabled.',
      ],
      [
        'ID_ATA_ROTATION_RATE_RPM',
        'node_disk_ata_rotation_rate_rpm',
        'ATA disk rotation rate in RPMs (0 for SSDs).',
      ],
    ];
    for (const [key, name, help] of ata) {
      const v = udev.get(key);
      if (v !== undefined && v !== '' && !Number.isNaN(Number(v)))
        out.gauge(name, help, Number(v), { device });
    }
  }
}
