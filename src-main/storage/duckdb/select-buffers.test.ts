import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Matcher } from '../../common/matcher';
import { SelectBuffers, selectBuffersOf } from './select-buffers';
import { plain, tempStore } from './test-helpers';

test('SelectBuffers reuses a given-back buffer of a fitting size, within its budget', () => {
  const p = new SelectBuffers(1 << 20);
  const a = p.take(1000);
  assert.equal(a.length, 1000);
  p.give(a.buffer);
  p.give(a.buffer); // a second give of the same buffer is ignored
  assert.equal(p.size, a.buffer.byteLength);
  const b = p.take(900);
  assert.ok(b.buffer === a.buffer, 'a free buffer at most about twice the need is reused');
  assert.equal(b.length, 900);
  assert.equal(p.size, 0);
  p.give(b.buffer);
  const big = p.take(100_000);
  assert.ok(big.buffer !== a.buffer, 'a buffer smaller than the need is not lent');
  p.give(big.buffer);
  const small = p.take(10);
  assert.ok(small.buffer === a.buffer, 'the smallest fitting buffer is lent');
  p.give(small.buffer);
  p.give(new Float64Array(100).buffer); // not lent by the pool: ignored
  assert.equal(p.size, a.buffer.byteLength + big.buffer.byteLength);
  const huge = p.take(1 << 20);
  p.give(huge.buffer);
  assert.ok(p.size <= p.maxBytes, 'buffers past the budget are dropped');
});

test('a select after release reuses the released memory and returns exact samples', async (t) => {
  const { st } = await tempStore(t);
  const B = Date.parse('2026-11-21T04:00:00Z');
  const app = st.appender();
  for (let s = 0; s < 20; s++)
    for (let time = B - 3_600_000; time < B + 3_600_000; time += 10_000)
      app.append(0, { __name__: 'm', s: String(s) }, time, s * 1000 + (time - B) / 1000);
  await app.commit();
  await st.flush();
  await st.maintain({ compactAll: true });
  const q = st.querier();
  const all: Matcher[] = [{ name: '__name__', type: '=', value: 'm' }];
  const some: Matcher[] = [...all, { name: 's', type: '=~', value: '1.' }];
  const first = plain(await q.select(all, B - 1_800_000, B + 1_800_000));
  const a = await q.select(some, B - 1_800_000, B + 1_800_000);
  const expectSome = plain(a);
  q.release!(a);
  const pool = selectBuffersOf(st, Math.floor(st.options.blockCacheBytes / 4));
  const reused = pool.reused;
  const b = await q.select(some, B - 1_800_000, B + 1_700_000);
  assert.ok(pool.reused > reused, 'the released buffers were lent again');
  assert.deepEqual(
    plain(b),
    expectSome.map(([l, ts, vs]) => [
      l,
      ts.filter((x) => x <= B + 1_700_000),
      vs.slice(0, ts.filter((x) => x <= B + 1_700_000).length),
    ]),
  );
  assert.deepEqual(plain(await q.select(all, B - 1_800_000, B + 1_800_000)), first);
});
