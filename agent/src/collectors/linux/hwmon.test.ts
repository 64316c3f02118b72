import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanName, hwmonCollector } from './hwmon';
import { linuxPaths } from './paths';
import { collectOnce, family, fixturePaths, valueOf } from './testkit';

test('hwmon: temperatures in celsius per chip (named by device path) and sensor', async () => {
  const set = await collectOnce(hwmonCollector(fixturePaths));
  const chip = 'platform_coretemp_0';
  assert.equal(valueOf(set, 'node_hwmon_temp_celsius', { chip, sensor: 'temp1' }), 45);
  assert.equal(valueOf(set, 'node_hwmon_temp_celsius', { chip, sensor: 'temp2' }), 38.5);
  assert.equal(valueOf(set, 'node_hwmon_temp_max_celsius', { chip, sensor: 'temp1' }), 80);
  assert.equal(valueOf(set, 'node_hwmon_temp_crit_alarm_celsius', { chip, sensor: 'temp1' }), 0);
  assert.equal(valueOf(set, 'node_hwmon_fan_rpm', { chip, sensor: 'fan1' }), 1200);
  assert.equal(valueOf(set, 'node_hwmon_in_volts', { chip, sensor: 'in0' }), 1.1);
  assert.equal(valueOf(set, 'node_hwmon_sensor_label', { chip, label: 'Package id 0', sensor: 'temp1' }), 1);
  assert.equal(valueOf(set, 'node_hwmon_chip_names', { chip, chip_name: 'coretemp' }), 1);
  // A chip without a device link is named by its `name` file.
  assert.equal(valueOf(set, 'node_hwmon_temp_celsius', { chip: 'acpi_tz', sensor: 'temp1' }), 27.8);
  assert.equal(family(set, 'node_hwmon_temp_celsius').help, 'Hardware monitor for temperature (input)');
});

test('hwmon: absent /sys/class/hwmon gives nothing and no error', async () => {
  const set = await collectOnce(hwmonCollector(linuxPaths('/nonexistent-root')));
  assert.equal(set.families.size, 0);
});

test('hwmon: cleanName', () => {
  assert.equal(cleanName('Package id 0\n'), 'package_id_0');
  assert.equal(cleanName('coretemp.0'), 'coretemp_0');
});
