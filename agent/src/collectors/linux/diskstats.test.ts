import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diskstatsCollector } from './diskstats';
import { collectOnce, family, fixturePaths, valueOf } from './testkit';

test('diskstats: units as node_exporter (512-byte sectors, ms to s), default device exclude', async () => {
  const set = await collectOnce(diskstatsCollector(fixturePaths));
  const sda = { device: 'sda' };
  assert.equal(valueOf(set, 'node_disk_reads_completed_total', sda), 29655);
  assert.equal(valueOf(set, 'node_disk_read_bytes_total', sda), 1358514 * 512);
  assert.equal(valueOf(set, 'node_disk_read_time_seconds_total', sda), 4.652);
  assert.equal(valueOf(set, 'node_disk_written_bytes_total', sda), 3213640 * 512);
  assert.equal(valueOf(set, 'node_disk_io_now', sda), 2);
  assert.equal(family(set, 'node_disk_io_now').type, 'gauge');
  assert.equal(valueOf(set, 'node_disk_io_time_weighted_seconds_total', sda), 19.834);
  assert.equal(valueOf(set, 'node_disk_discarded_sectors_total', sda), 265328);
  assert.equal(valueOf(set, 'node_disk_flush_requests_total', sda), 3713);
  assert.equal(valueOf(set, 'node_disk_flush_requests_time_seconds_total', sda), 0.1);
  const devices = new Set(family(set, 'node_disk_info').samples.map((s) => s.labels['device']));
  assert.deepEqual([...devices].sort(), ['dm-0', 'nvme0n1', 'sda']);
});

test('diskstats: older kernels with fewer columns get fewer metrics', async () => {
  const set = await collectOnce(diskstatsCollector(fixturePaths));
  // dm-0 has the 11 pre-4.18 columns: no discard or flush metrics for it.
  assert.equal(valueOf(set, 'node_disk_io_time_weighted_seconds_total', { device: 'dm-0' }), 4);
  assert.equal(valueOf(set, 'node_disk_discards_completed_total', { device: 'dm-0' }), undefined);
  // nvme0n1 has 15 (4.18+): discards but no flushes.
  assert.equal(valueOf(set, 'node_disk_discard_time_seconds_total', { device: 'nvme0n1' }), 0.014);
  assert.equal(valueOf(set, 'node_disk_flush_requests_total', { device: 'nvme0n1' }), undefined);
});

test('diskstats: info metrics from the udev database', async () => {
  const set = await collectOnce(diskstatsCollector(fixturePaths));
  assert.equal(
    valueOf(set, 'node_disk_info', {
      device: 'sda',
      major: '8',
      minor: '0',
      model: 'Samsung_SSD_860',
      path: 'pci-0000:00:1f.2-ata-1',
      revision: 'RVT04B6Q',
      serial: 'S3Z9NB0K',
      wwn: '0x5002538e40a0b1c2',
    }),
    1,
  );
  assert.equal(valueOf(set, 'node_disk_ata_rotation_rate_rpm', { device: 'sda' }), 0);
  assert.equal(valueOf(set, 'node_disk_ata_write_cache_enabled', { device: 'sda' }), 1);
  assert.equal(
    valueOf(set, 'node_disk_device_mapper_info', {
      device: 'dm-0',
      name: 'vg0-root',
      uuid: 'LVM-abc',
      vg_name: 'vg0',
      lv_name: 'root',
      lv_layer: '',
    }),
    1,
  );
  assert.equal(
    valueOf(set, 'node_disk_filesystem_info', {
      device: 'dm-0',
      type: 'ext4',
      usage: 'filesystem',
      uuid: '1234-abcd',
      version: '1.0',
    }),
    1,
  );
  assert.equal(family(set, 'node_disk_filesystem_info').samples.length, 1);
});

test('diskstats: the device exclude regex is a setting', async () => {
  const set = await collectOnce(diskstatsCollector(fixturePaths, { deviceExclude: '^(sd|dm-)' }));
  const devices = family(set, 'node_disk_info').samples.map((s) => s.labels['device']);
  assert.deepEqual(devices.sort(), ['loop0', 'nvme0n1', 'nvme0n1p1']);
});
