import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricSet } from '../../metrics';
import type { Collector } from '../collector';
import { type LinuxPaths, readText } from './paths';

/** DEFAULT_MOUNT_POINTS_EXCLUDE is node_exporter 1.5's default --collector.filesystem.mount-points-exclude. */
export const DEFAULT_MOUNT_POINTS_EXCLUDE =
  '^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)';
/** DEFAULT_FS_TYPES_EXCLUDE is node_exporter 1.5's default --collector.filesystem.fs-types-exclude. */
export const DEFAULT_FS_TYPES_EXCLUDE =
  '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$';

/** FilesystemOptions are the filesystem collector's settings; every field has node_exporter's default. */
export interface FilesystemOptions {
  mountPointsExclude?: string;
  fsTypesExclude?: string;
  /** statfsTimeoutMs bounds one statfs call: a hung network mount reports device_error 1 instead of hanging the scrape. */
  statfsTimeoutMs?: number;
}

/** Mount is one line of /proc/self/mounts. */
export interface Mount {
  device: string;
  mountPoint: string;
  fsType: string;
  options: string;
}

/** parseMounts reads /proc/self/mounts, undoing the kernel's octal escapes of space and tab in mount points. */
export function parseMounts(text: string, file: string): Mount[] {
  const out: Mount[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const f = line.split(' ');
    if (f.length < 4) throw new Error(`${file}:${i + 1}: expected at least 4 fields, got ${f.length}`);
    out.push({
      device: f[0]!,
      mountPoint: f[1]!.replaceAll('\\040', ' ').replaceAll('\\011', '\t'),
      fsType: f[2]!,
      options: f[3]!,
    });
  }
  return out;
}

/**
 * filesystemCollector exposes node_filesystem_* for every mount not excluded by mount point or type, from
 * statfs on the mount point. A mount whose statfs fails or times out reports only device_error 1; one that
 * timed out stays "stuck" (skipped, device_error 1) until its pending call returns, as node_exporter does.
 */
export function filesystemCollector(paths: LinuxPaths, opts: FilesystemOptions = {}): Collector {
  const mountRe = new RegExp(opts.mountPointsExclude ?? DEFAULT_MOUNT_POINTS_EXCLUDE);
  const typeRe = new RegExp(opts.fsTypesExclude ?? DEFAULT_FS_TYPES_EXCLUDE);
  const timeoutMs = opts.statfsTimeoutMs ?? 5000;
  const stuck = new Set<string>();
  return {
    name: 'filesystem',
    async collect(out) {
      const file = join(paths.procfs, 'self/mounts');
      const mounts = parseMounts(await readText(file), file).filter(
        (m) => !mountRe.test(m.mountPoint) && !typeRe.test(m.fsType),
      );
      const seen = new Set<string>();
      const unique = mounts.filter((m) => {
        const key = `${m.device}\u0000${m.mountPoint}\u0000${m.fsType}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      const stats = await Promise.all(
        unique.map((m) =>
          stuck.has(m.mountPoint) ? undefined : statWithTimeout(m, paths.rootfs, timeoutMs, stuck),
        ),
      );
      for (let i = 0; i < unique.length; i++) emitFilesystem(unique[i]!, stats[i], out);
    },
  };
}

interface FsStats {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

async function statWithTimeout(
  m: Mount,
  rootfs: string,
  timeoutMs: number,
  stuck: Set<string>,
): Promise<FsStats | undefined> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const call = statfs(join(rootfs, m.mountPoint)).then(
    (s) => {
      if (timedOut) stuck.delete(m.mountPoint);
      return s as FsStats;
    },
    () => {
      if (timedOut) stuck.delete(m.mountPoint);
      return undefined;
    },
  );
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      stuck.add(m.mountPoint);
      resolve(undefined);
    }, timeoutMs);
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function emitFilesystem(m: Mount, s: FsStats | undefined, out: MetricSet): void {
  const labels = { device: m.device, fstype: m.fsType, mountpoint: m.mountPoint };
  out.gauge(
    'node_filesystem_device_error',
    'Whether an error occurred while getting statistics for the given device.',
    s === undefined ? 1 : 0,
    labels,
  );
  if (s === undefined) return;
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
  const ro = m.options.split(',').includes('ro') ? 1 : 0;
  out.gauge('node_filesystem_readonly', 'Filesystem read-only status.', ro, labels);
}
