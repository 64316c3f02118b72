import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServiceTiles, certTone, keyOf } from './services';

const NOW = 1_800_000_000;

test('keyOf uses the check label, else job and target', () => {
  assert.equal(keyOf({ check: 'web', job: 'probes', instance: 'https://x' }), 'web');
  assert.equal(keyOf({ job: 'blackbox', instance: 'https://x' }), 'blackbox/https://x');
});

test('buildServiceTiles merges checks, results and series; failing services first', () => {
  const tiles = buildServiceTiles(
    [
      {
        check: { id: 'web', name: 'Web site', type: 'http', target: 'https://web.lab' },
        last: { time: 0, success: true, durationSeconds: 0.2, metrics: [] },
      },
      { check: { id: 'new', name: 'Brand new', type: 'icmp', target: '10.0.0.9' } },
    ],
    {
      success: [
        { metric: { check: 'web', instance: 'https://web.lab' }, value: [NOW, '1'] },
        { metric: { job: 'blackbox', instance: 'router.lab' }, value: [NOW, '0'] },
      ],
      duration: [
        {
          metric: { check: 'web', instance: 'https://web.lab' },
          values: [
            [NOW - 60, '0.3'],
            [NOW, '0.25'],
          ],
        },
      ],
      cert: [
        { metric: { check: 'web', instance: 'https://web.lab' }, value: [NOW, String(NOW + 10 * 86400)] },
      ],
      httpStatus: [{ metric: { check: 'web' }, value: [NOW, '200'] }],
    },
    NOW,
  );
  assert.deepEqual(
    tiles.map((t) => [t.key, t.name, t.status]),
    [
      ['blackbox/router.lab', 'router.lab', 'down'],
      ['new', 'Brand new', 'unknown'],
      ['web', 'Web site', 'up'],
    ],
  );
  const web = tiles[2]!;
  assert.deepEqual(web.spark, [0.3, 0.25]);
  assert.equal(web.latency, 0.25, 'the newest stored duration wins over the last test result');
  assert.equal(web.certDays, 10);
  assert.equal(web.httpStatus, 200);
  assert.equal(web.type, 'http');
});

test('certTone follows the default rules (14 and 3 days)', () => {
  assert.equal(certTone(30), 'ok');
  assert.equal(certTone(13.9), 'warn');
  assert.equal(certTone(2), 'bad');
  assert.equal(certTone(-1), 'bad');
});
