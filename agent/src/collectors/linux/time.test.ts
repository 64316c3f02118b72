import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectOnce, family, fixturePaths, valueOf } from './testkit';
import { timeCollector } from './time';
import { zoneNameFromFooter } from './timezone';

test('time: node_time_seconds, zone offset and clocksources', async () => {
  const now = new Date(1_700_000_000_123);
  const set = await collectOnce(timeCollector(fixturePaths, () => now));
  assert.equal(valueOf(set, 'node_time_seconds'), 1_700_000_000.123);
  const zone = family(set, 'node_time_zone_offset_seconds').samples[0]!;
  assert.equal(zone.value, -now.getTimezoneOffset() * 60);
  assert.ok(zone.labels['time_zone']!.length > 0);
  const available = family(set, 'node_time_clocksource_available_info').samples.map(
    (s) => s.labels['clocksource'],
  );
  assert.deepEqual(available.sort(), ['acpi_pm', 'hpet', 'tsc']);
  assert.equal(valueOf(set, 'node_time_clocksource_current_info', { clocksource: 'tsc', device: '0' }), 1);
});

test('timezone: the POSIX rule in a TZif footer names standard and daylight time', () => {
  const paris = 'TZif2...binary...\nCET-1CEST,M3.5.0,M10.5.0/3\n';
  assert.equal(zoneNameFromFooter(paris, 3600), 'CET');
  assert.equal(zoneNameFromFooter(paris, 7200), 'CEST');
  assert.equal(zoneNameFromFooter('x\nEST5EDT,M3.2.0,M11.1.0\n', -5 * 3600), 'EST');
  assert.equal(zoneNameFromFooter('x\n<+0530>-5:30\n', 19800), '+0530');
  assert.equal(zoneNameFromFooter('x\nUTC0\n', 0), 'UTC');
  assert.equal(zoneNameFromFooter('no footer', 0), undefined);
});
