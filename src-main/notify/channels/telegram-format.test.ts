import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Notification } from '../payload';
import { TELEGRAM_MAX_TEXT, formatTelegram, splitNotification } from './telegram-format';

function storm(count: number): Notification {
  const now = Date.now();
  return {
    receiver: 'tg',
    groupKey: '{}:{alertname="HostDown"}',
    status: 'firing',
    groupLabels: { alertname: 'HostDown' },
    commonLabels: { alertname: 'HostDown', severity: 'critical' },
    commonAnnotations: {},
    externalURL: '',
    truncatedAlerts: 0,
    alerts: Array.from({ length: count }, (_, i) => ({
      status: i % 10 === 9 ? ('resolved' as const) : ('firing' as const),
      alert: {
        labels: { alertname: 'HostDown', instance: `host-${i}.lab.example:9100`, severity: 'critical' },
        annotations: { summary: `host-${i} is down` },
        startsAt: now - 60_000,
        endsAt: i % 10 === 9 ? now - 1 : now + 3_600_000,
        generatorURL: '',
        fingerprint: i.toString(16).padStart(16, '0'),
      },
    })),
  };
}

test('splitNotification cuts a storm into full messages under 4096 characters, each alert once', () => {
  const now = Date.now();
  const parts = splitNotification(storm(500), now);
  assert.ok(parts.length > 5 && parts.length < 25, `${parts.length} parts`);
  const seen: string[] = [];
  parts.forEach((p, i) => {
    const text = formatTelegram(p, now);
    assert.ok(text.length <= TELEGRAM_MAX_TEXT, `part ${i + 1} has ${text.length} characters`);
    // Every part but the last is nearly full: few messages for a storm.
    if (i < parts.length - 1) assert.ok(text.length > TELEGRAM_MAX_TEXT - 200);
    assert.match(
      text.split('\n')[0]!,
      new RegExp(`— 450 firing, 50 resolved \\(${i + 1}/${parts.length}\\)$`),
    );
    seen.push(...p.alerts.map((a) => a.alert.fingerprint));
  });
  assert.equal(seen.length, 500);
  assert.equal(new Set(seen).size, 500);
});

test('a small group stays one message without a part number', () => {
  const n = storm(3);
  const [only, ...rest] = splitNotification(n, Date.now());
  assert.equal(rest.length, 0);
  assert.equal(only, n);
  assert.match(formatTelegram(n, Date.now()).split('\n')[0]!, /— 3 firing$/);
});
