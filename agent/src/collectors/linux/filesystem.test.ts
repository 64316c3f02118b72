import assert from 'node:assert/strict';
import { statfs } from 'node:fs/promises';
import { test } from 'node:test';
import { filesystemCollector, parseMounts } from './filesystem';
import { collectOnce, family, FIXTURE_ROOT, fixturePaths, valueOf } from './testkit';

test('filesystem: statfs of kept mounts, default excludes, duplicates once, ro option, device_error', async () => {
  const set = await collectOnce(filesystemCollector(fixturePaths));
  const root = { device: '/dev/sda1', fstype: 'ext4', mountpoint: '/' };
  const s = await statfs(FIXTURE_ROOT);
  assert.equal(valueOf(set, 'node_filesystem_size_bytes', root), s.blocks * s.bsize);
  assert.equal(valueOf(set, 'node_filesystem_files', root), s.files);
  assert.equal(valueOf(set, 'node_filesystem_readonly', root), 1);
  assert.equal(valueOf(set, 'node_filesystem_device_error', root), 0);
  // free/avail move with other writers on the disk; they are bounded by the size.
  const avail = valueOf(set, 'node_filesystem_avail_bytes', root)!;
  assert.ok(avail > 0 && avail <= valueOf(set, 'node_filesystem_free_bytes', root)!);

  // "/data disk" does not exist under the fixture root: only device_error, with the unescaped mount point.
  const missing = { device: '/dev/sdb1', fstype: 'xfs', mountpoint: '/data disk' };
  assert.equal(valueOf(set, 'node_filesystem_device_error', missing), 1);
  assert.equal(valueOf(set, 'node_filesystem_size_bytes', missing), undefined);

  // /proc, /run, cgroup2, overlay and /media are excluded by node_exporter 1.5's default regexes.
  const mountpoints = new Set(
    family(set, 'node_filesystem_device_error').samples.map((x) => x.labels['mountpoint']),
  );
  assert.deepEqual([...mountpoints].sort(), ['/', '/data disk']);
  assert.equal(family(set, 'node_filesystem_size_bytes').samples.length, 1);
});

test('filesystem: exclude regexes are settings', async () => {
  const set = await collectOnce(
    filesystemCollector(fixturePaths, {
      mountPointsExclude: '^/data',
      fsTypesExclude: '^(proc|tmpfs|cgroup2|vfat|ext4)$',
    }),
  );
  const mountpoints = family(set, 'node_filesystem_device_error').samples.map((x) => x.labels['mountpoint']);
  assert.deepEqual(mountpoints.sort(), ['/srv/overlay']);
});

test('filesystem: a short mounts line is reported with file and line', () => {
  assert.throws(
    () => parseMounts('/dev/a / ext4 rw 0 0\n/dev/b /x\n', '/proc/self/mounts'),
    /\/proc\/self\/mounts:2:/,
  );
});
