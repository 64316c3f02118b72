import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Notification } from '../payload';
import { TELEGRAM_MAX_CALLBACK_DATA, alertKeyboard, alertRef, markDone, parseCallback } from './keyboard';

function notification(n: number): Notification {
  return {
    receiver: 'tg',
    groupKey: `{}/{severity=~"warning|critical"}:{alertname="${'X'.repeat(300)}"}`,
    status: 'firing',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: '',
    truncatedAlerts: 0,
    alerts: Array.from({ length: n }, (_, i) => ({
      status: 'firing' as const,
      alert: {
        labels: { alertname: 'X', i: String(i) },
        annotations: {},
        startsAt: 0,
        endsAt: 0,
        generatorURL: '',
        fingerprint: `00000000000000${String(i).padStart(2, '0')}`,
      },
    })),
  };
}

test('buttons carry a short id that fits callback_data and reads back, however long the group key', () => {
  const one = alertRef(notification(1));
  const group = alertRef(notification(3));
  assert.equal(one, 'a0000000000000000');
  assert.match(group, /^g[0-9a-f]{16}$/);
  assert.equal(alertRef(notification(3)), group, 'stable');
  for (const ref of [one, group])
    for (const b of alertKeyboard(ref).inline_keyboard.flat()) {
      assert.ok(Buffer.byteLength(b.callback_data) <= TELEGRAM_MAX_CALLBACK_DATA);
      assert.equal(parseCallback(b.callback_data)?.ref, ref);
    }
  assert.deepEqual(parseCallback(`sil:${group}`), { action: 'sil', ref: group });
  assert.equal(parseCallback('ack:zzz'), undefined);
  assert.equal(parseCallback('done'), undefined);
  const k = markDone(alertKeyboard(one), 'ack', '👍 Acked by Ada');
  assert.deepEqual(
    k.inline_keyboard[0]!.map((b) => [b.text, b.callback_data]),
    [
      ['👍 Acked by Ada', 'done'],
      ['🔕 Silence 1h', `sil:${one}`],
      ['📈 Graph', `gr:${one}`],
    ],
  );
});
