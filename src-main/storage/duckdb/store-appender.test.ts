import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matcher } from '../../common/matcher';
import { AppendError } from '../api';
import { plain, tempStore } from './test-helpers';

const m: Matcher[] = [{ name: '__name__', type: '=', value: 'm' }];

test('appenders interleaving on one series each check order against their own pending samples', async (t) => {
  const { st } = await tempStore(t);
  const a = st.appender();
  const b = st.appender();
  const ref = a.append(0, { __name__: 'm' }, 1000, 1);
  // b appends the same series while a holds it: b keeps its pending time privately.
  b.append(ref, {}, 5000, 5);
  assert.throws(
    () => b.append(ref, {}, 4000, 4),
    (e) => e instanceof AppendError && e.kind === 'out_of_order',
  );
  assert.throws(
    () => b.append(ref, {}, 5000, 6),
    (e) => e instanceof AppendError && e.kind === 'duplicate',
  );
  a.append(ref, {}, 2000, 2);
  assert.throws(
    () => a.append(ref, {}, 1500, 9),
    (e) => e instanceof AppendError && e.kind === 'out_of_order',
  );
  await a.commit();
  // After a committed, b's private record of its own sample still rules its later appends.
  assert.throws(
    () => b.append(ref, {}, 4500, 4),
    (e) => e instanceof AppendError && e.kind === 'out_of_order',
  );
  b.append(ref, {}, 6000, 6);
  await b.commit();
  assert.deepEqual(plain(await st.querier().select(m, 0, 10_000)), [
    ['{"__name__":"m"}', [1000, 2000, 5000, 6000], ['1', '2', '5', '6']],
  ]);
});

test('a commit refuses the whole batch when another appender committed newer samples meanwhile', async (t) => {
  const { st } = await tempStore(t);
  const a = st.appender();
  const b = st.appender();
  const ref = a.append(0, { __name__: 'm' }, 1000, 1);
  a.append(0, { __name__: 'other' }, 1000, 1);
  b.append(ref, {}, 3000, 3);
  await b.commit();
  await assert.rejects(a.commit(), (e) => e instanceof AppendError && e.kind === 'out_of_order');
  const stats = await st.stats();
  assert.equal(stats.samples, 1, 'only b’s sample is stored');
});

test('reused batch buffers carry nothing from one appender to the next', async (t) => {
  const { st } = await tempStore(t);
  const round = async (t: number, v: number, commit: boolean) => {
    const app = st.appender();
    for (let i = 0; i < 3000; i++) app.append(0, { __name__: 'm', i: String(i) }, t, v);
    if (commit) await app.commit();
    else app.rollback();
  };
  await round(1000, 0, true);
  await round(2000, 1, true);
  await round(3000, 2, false);
  // The rolled-back batch released its series: a fresh appender may append them at that time again.
  const again = st.appender();
  again.append(0, { __name__: 'm', i: '7' }, 3000, 42);
  await again.commit();
  await round(4000, 3, true);
  const rows = plain(await st.querier().select([...m, { name: 'i', type: '=', value: '7' }], 0, 10_000));
  assert.deepEqual(rows, [['{"__name__":"m","i":"7"}', [1000, 2000, 3000, 4000], ['0', '1', '42', '3']]]);
  assert.equal((await st.stats()).samples, 3 * 3000 + 1);
});
