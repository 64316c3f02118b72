import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricSet } from '../../metrics';
import { netdevCollector, parseNetDev } from './netdev';
import { collectOnce, family, fixturePaths, valueOf } from './testkit';

test('netdev: every /proc/net/dev column as node_network_*_total, lo excluded, rx_nohandler from sysfs', async () => {
  const set = await collectOnce(netdevCollector(fixturePaths));
  const eth0 = { device: 'eth0' };
  assert.equal(valueOf(set, 'node_network_receive_bytes_total', eth0), 319895070);
  assert.equal(valueOf(set, 'node_network_receive_errs_total', eth0), 1);
  assert.equal(valueOf(set, 'node_network_receive_drop_total', eth0), 2);
  assert.equal(valueOf(set, 'node_network_receive_frame_total', eth0), 4);
  assert.equal(valueOf(set, 'node_network_receive_multicast_total', eth0), 6);
  assert.equal(valueOf(set, 'node_network_transmit_packets_total', eth0), 5820);
  assert.equal(valueOf(set, 'node_network_transmit_colls_total', eth0), 10);
  assert.equal(valueOf(set, 'node_network_transmit_carrier_total', eth0), 11);
  assert.equal(valueOf(set, 'node_network_transmit_compressed_total', eth0), 12);
  assert.equal(valueOf(set, 'node_network_receive_nohandler_total', eth0), 42);
  // A line without a space after the colon still parses.
  assert.equal(valueOf(set, 'node_network_transmit_compressed_total', { device: 'wlan0' }), 16);
  const fam = family(set, 'node_network_receive_bytes_total');
  assert.equal(fam.help, 'Network device statistic receive_bytes.');
  assert.deepEqual(fam.samples.map((s) => s.labels['device']).sort(), ['eth0', 'wlan0']);
  assert.equal(set.families.size, 17);
});

test('netdev: the device exclude is a setting', async () => {
  const set = await collectOnce(netdevCollector(fixturePaths, { deviceExclude: '^eth' }));
  const devices = family(set, 'node_network_receive_bytes_total').samples.map((s) => s.labels['device']);
  assert.deepEqual(devices.sort(), ['lo', 'wlan0']);
});

test('netdev: a short line is reported with file, line and device', () => {
  const text = 'h1\nh2\n  eth0: 1 2 3\n';
  assert.throws(
    () => parseNetDev(text, '/proc/net/dev', new MetricSet(), /^lo$/),
    /\/proc\/net\/dev:3: eth0: expected 16 columns/,
  );
});
