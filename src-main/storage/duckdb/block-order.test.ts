import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelsKey } from '../../common/labels';
import type { Matcher } from '../../common/matcher';
import type { Storage } from '../api';
import { MemoryStorage } from '../memory/memory-storage';
import { blockOrderKey } from './series-index';
import { plain, tempStore } from './test-helpers';

const HOSTS = ['alpha:9100', 'beta:9100', 'gamma:9100'];
const DEVICES = ['eth0', 'eth1', 'lo', 'wlan0'];

/** fill writes the same samples of two metrics × 3 hosts × 4 devices into each store. */
async function fill(stores: Storage[], from: number, to: number): Promise<void> {
  for (let t = from; t < to; t += 1000) {
    const apps = stores.map((s) => s.appender());
    for (const metric of ['rx_bytes_total', 'tx_bytes_total'])
      for (const [h, instance] of HOSTS.entries())
        for (const [d, device] of DEVICES.entries())
          for (const a of apps) a.append(0, { __name__: metric, instance, device }, t, t / 10 + h * 7 + d);
    for (const a of apps) await a.commit();
  }
}

test('blockOrderKey orders by metric, then instance, then the remaining labels', () => {
  const s = (labels: Record<string, string>) => ({ id: 1, key: labelsKey(labels), labels });
  const keys = [
    s({ __name__: 'b', instance: 'a', device: 'z' }),
    s({ __name__: 'a', instance: 'b', device: 'a' }),
    s({ __name__: 'a', instance: 'a', device: 'z' }),
    s({ __name__: 'a', instance: 'a', device: 'b' }),
  ].map(blockOrderKey);
  assert.deepEqual(
    [...keys].sort().map((k) => keys.indexOf(k)),
    [3, 2, 1, 0],
  );
});

test('a block keeps one host series of a metric in adjacent ranks and still answers in label order', async (t) => {
  const { st } = await tempStore(t, { blockMs: 10_000 });
  const ref = new MemoryStorage();
  await fill([st, ref], 0, 30_000);
  await st.flush();
  await st.maintain({ compactAll: true });
  assert.ok(st.blocks.length >= 3);
  for (const b of st.blocks) {
    const ranksOf = (metric: string, instance: string) =>
      [...b.seriesOfK.keys()]
        .filter((k) => {
          const l = st.index.get(b.seriesOfK[k]!)!.labels;
          return l.__name__ === metric && l.instance === instance;
        })
        .sort((x, y) => x - y);
    for (const metric of ['rx_bytes_total', 'tx_bytes_total'])
      for (const instance of HOSTS) {
        const ks = ranksOf(metric, instance);
        assert.equal(ks.length, DEVICES.length);
        assert.equal(ks[ks.length - 1]! - ks[0]!, DEVICES.length - 1, `${metric} ${instance} ranks ${ks}`);
      }
  }
  const selectors: Matcher[][] = [
    [{ name: '__name__', type: '=', value: 'rx_bytes_total' }],
    [
      { name: '__name__', type: '=', value: 'tx_bytes_total' },
      { name: 'instance', type: '=', value: 'beta:9100' },
    ],
    [{ name: 'device', type: '=~', value: 'eth.*' }],
  ];
  for (const ms of selectors)
    for (const [mint, maxt] of [
      [0, 1e9],
      [4_000, 21_000],
    ] as const) {
      const got = await st.querier().select(ms, mint, maxt);
      const want = await ref.querier().select(ms, mint, maxt);
      assert.deepEqual(plain(got), plain(want), `${JSON.stringify(ms)} [${mint}, ${maxt}]`);
      const keys = got.map((s) => labelsKey(s.labels));
      assert.deepEqual(keys, [...keys].sort());
    }
});

test('blocks of the same series share one rank array, also after a reopen', async (t) => {
  const { st, reopen } = await tempStore(t, { blockMs: 10_000 });
  const ref = new MemoryStorage();
  await fill([st, ref], 0, 40_000);
  await st.flush();
  await st.maintain({ compactAll: true });
  const shared = (blocks: { seriesOfK: Int32Array }[]) => new Set(blocks.map((b) => b.seriesOfK)).size;
  assert.equal(st.blocks.length, 4);
  assert.equal(shared(st.blocks), 1);
  const st2 = await reopen();
  assert.equal(st2.blocks.length, 4);
  assert.equal(shared(st2.blocks), 1);
  const ms: Matcher[] = [{ name: 'instance', type: '=', value: 'gamma:9100' }];
  assert.deepEqual(
    plain(await st2.querier().select(ms, 0, 1e9)),
    plain(await ref.querier().select(ms, 0, 1e9)),
  );
});
