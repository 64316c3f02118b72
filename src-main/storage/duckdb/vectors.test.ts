import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { STALE_NAN, isStaleNaN } from '../../common/sample';
import { SampleChunkWriter, readSampleChunk } from './vectors';

test('SampleChunkWriter writes BIGINT times bit for bit, negative and past 32 bits included', async (t) => {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  t.after(() => {
    conn.closeSync();
    db.closeSync();
  });
  await conn.run('CREATE TABLE head(series_id INTEGER NOT NULL, t BIGINT NOT NULL, v DOUBLE)');
  const times = [
    0,
    1,
    -1,
    2 ** 31,
    -(2 ** 31),
    2 ** 32,
    2 ** 32 - 1,
    -(2 ** 32),
    1_767_225_600_123,
    -1_767_225_600_123,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
  ];
  const n = times.length;
  const ids = Int32Array.from(times, (_, i) => i + 1);
  const ts = Float64Array.from(times);
  const vs = Float64Array.from(times, (_, i) => (i === 3 ? STALE_NAN : i / 4));
  const app = await conn.createAppender('head');
  app.appendDataChunk(new SampleChunkWriter().fill(ids, ts, vs, 0, n));
  app.closeSync();
  const exact = await conn.runAndReadAll('SELECT t::VARCHAR FROM head ORDER BY series_id');
  assert.deepEqual(
    exact.getRows().map((r) => r[0]),
    times.map((x) => BigInt(x).toString()),
  );
  const back = await conn.stream('SELECT series_id, t::DOUBLE, v FROM head ORDER BY series_id');
  const got: [number, number, number][] = [];
  for (;;) {
    const chunk = await back.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    readSampleChunk(chunk, (id, tt, v) => got.push([id, tt, v]));
  }
  assert.deepEqual(
    got.map(([id, tt]) => [id, tt]),
    times.map((x, i) => [i + 1, x]),
  );
  assert.ok(isStaleNaN(got[3]![2]));
  assert.equal(got[4]![2], 1);
});
