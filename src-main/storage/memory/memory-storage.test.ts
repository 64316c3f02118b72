import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from './memory-storage';
import { STALE_NAN, isStaleNaN } from '../../common/sample';
import { AppendError } from '../api';

test('MemoryStorage makes a batch visible only at commit, in time order', async () => {
  const st = new MemoryStorage();
  const app = st.appender();
  const ref = app.append(0, { __name__: 'up', job: 'a' }, 1000, 1);
  app.append(ref, {}, 2000, 0);
  app.append(0, { __name__: 'up', job: 'b' }, 1000, 1);
  const q = st.querier();
  assert.equal((await q.select([{ name: '__name__', type: '=', value: 'up' }], 0, 5000)).length, 0);
  await app.commit();
  const got = await q.select([{ name: 'job', type: '=~', value: 'a|b' }], 0, 1500);
  assert.deepEqual(
    got.map((s) => [s.labels.job, [...s.t], [...s.v]]),
    [
      ['a', [1000], [1]],
      ['b', [1000], [1]],
    ],
  );
  assert.deepEqual(await q.labelValues('job', [], 0, 5000), ['a', 'b']);
});

test('MemoryStorage refuses out-of-order samples and keeps stale markers distinguishable', async () => {
  const st = new MemoryStorage();
  const app = st.appender();
  const ref = app.append(0, { __name__: 'x' }, 2000, 1);
  assert.throws(() => app.append(ref, {}, 1000, 1), AppendError);
  app.append(ref, {}, 3000, STALE_NAN);
  app.append(ref, {}, 4000, NaN);
  await app.commit();
  const [s] = await st.querier().select([{ name: '__name__', type: '=', value: 'x' }], 0, 5000);
  assert.deepEqual([isStaleNaN(s!.v[1]!), isStaleNaN(s!.v[2]!), Number.isNaN(s!.v[2]!)], [true, false, true]);
});
