import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Matcher } from '../common/matcher';
import { MemoryStorage, openDuckDBStorage, type Storage } from '../storage/index';
import { ImportError, importOpenMetrics } from './api';

const HISTORY = [
  '# TYPE http_requests counter',
  '# HELP http_requests Requests served.',
  'http_requests_total{code="200",path=""} 1 1700000000',
  'http_requests_total{code="200",path=""} 2 1700000015',
  'http_requests_created{code="200",path=""} 1699999000 1700000015',
  'http_requests_total{code="500",path=""} 5 1700000000.5',
  '# TYPE latency_seconds histogram',
  'latency_seconds_bucket{le="1"} 3 1700000000',
  'latency_seconds_bucket{le="+Inf"} 4 1700000000',
  'latency_seconds_count 4 1700000000',
  'latency_seconds_sum 2.5 1700000000',
  '# TYPE temp_celsius gauge',
  '# UNIT temp_celsius celsius',
  'temp_celsius{room="a b"} 21.5 1700000000',
  'temp_celsius{room="a b"} NaN 1700000030',
  '# EOF',
  '',
].join('\n');

function tempFile(t: TestContext, text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-import-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'history.om');
  writeFileSync(file, text);
  return { dir, file };
}

const eq = (name: string, value: string): Matcher => ({ type: '=', name, value }) as Matcher;

/** points reads every sample of the series matching `name` as [labels text, t, v] rows. */
async function points(st: Storage, name: string): Promise<[string, number, number][]> {
  const out: [string, number, number][] = [];
  for (const s of await st.querier().select([eq('__name__', name)], -Infinity, Infinity)) {
    for (let i = 0; i < s.t.length; i++) out.push([JSON.stringify(s.labels), s.t[i]!, s.v[i]!]);
  }
  return out;
}

test('importOpenMetrics stores every sample with its labels, metadata and time, whatever the batch size', async (t) => {
  const { file } = tempFile(t, HISTORY);
  for (const batchBytes of [1, 40, 1 << 20]) {
    const st = new MemoryStorage();
    const done = await importOpenMetrics({ file, storage: st, batchBytes });
    assert.equal(done.samples, 9, `batch ${batchBytes}`);
    assert.equal(done.series, 7);
    assert.equal(done.lines, 16);
    assert.deepEqual(await points(st, 'http_requests_total'), [
      ['{"__name__":"http_requests_total","code":"200"}', 1700000000000, 1],
      ['{"__name__":"http_requests_total","code":"200"}', 1700000015000, 2],
      ['{"__name__":"http_requests_total","code":"500"}', 1700000000500, 5],
    ]);
    // `_created` is not a sample; `le` is normalised as Prometheus 3 does, even across batches.
    assert.deepEqual(await points(st, 'http_requests_created'), []);
    const buckets = (await points(st, 'latency_seconds_bucket')).map((r) => JSON.parse(r[0]).le);
    assert.deepEqual(buckets.sort(), ['+Inf', '1.0']);
    const temp = await points(st, 'temp_celsius');
    assert.equal(temp.length, 2);
    assert.ok(Number.isNaN(temp[1]![2]));
    const meta = await st.querier().metadata();
    assert.deepEqual(meta.get('http_requests'), { type: 'counter', help: 'Requests served.', unit: '' });
    assert.deepEqual(meta.get('temp_celsius'), { type: 'gauge', help: '', unit: 'celsius' });
  }
});

test('a bad line fails with FILE:LINE:COL; earlier batches stay, the failing batch is dropped', async (t) => {
  const lines = HISTORY.split('\n');
  lines[13] = 'temp_celsius{room="a b"} 21.5 1699999999'; // line 14: fine on its own...
  lines[14] = 'temp_celsius{room="a b"} 20 1699999990'; // line 15: ...but this one goes back in time.
  const { file } = tempFile(t, lines.join('\n'));
  const st = new MemoryStorage();
  // Reads of 250 bytes: lines 14 and 15 share the third batch, the lines before it are committed.
  const err = await importOpenMetrics({ file, storage: st, batchBytes: 250 }).then(
    () => assert.fail('import should fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ImportError, String(err));
  assert.equal(err.line, 15);
  assert.equal(err.column, 29, 'the column of the timestamp');
  assert.match(err.message, /history\.om:15:29: out of order sample for .*temp_celsius/);
  assert.deepEqual(await points(st, 'temp_celsius'), [], 'nothing of the failing batch is stored');
  assert.equal((await points(st, 'http_requests_total')).length, 3, 'earlier batches stay');
  assert.equal(err.stored.samples, (await st.stats()).samples);
  assert.ok(err.stored.lines < 14);
});

test('syntax errors, missing timestamps and a missing # EOF name the file line', async (t) => {
  const cases: [string, RegExp][] = [
    ['# TYPE x gauge\nx 1 10\nx{a="1" 2 3\n# EOF\n', /:3:8: expected comma or "}"/],
    ['# TYPE x gauge\nx 1 10\nx 2\n# EOF\n', /:3:4: sample without a timestamp/],
    ['# TYPE x gauge\nx 1 10\n', /:3:1: expected "# EOF"/],
    ['# TYPE x gauge\nx 1 10\n# EOF\nx 2 20\n', /:4:1: unexpected data after "# EOF"/],
  ];
  for (const [text, want] of cases) {
    const { file } = tempFile(t, text);
    for (const batchBytes of [1, 1 << 20]) {
      await assert.rejects(importOpenMetrics({ file, storage: new MemoryStorage(), batchBytes }), (e) => {
        assert.ok(e instanceof ImportError);
        assert.match(e.message, want, `batch ${batchBytes}`);
        return true;
      });
    }
  }
});

test('an import into the DuckDB store ends compacted into blocks and survives a reopen', async (t) => {
  const { dir, file } = tempFile(t, HISTORY);
  const data = join(dir, 'data');
  const st = await openDuckDBStorage({ dir: data, flushIntervalMs: 3_600_000 });
  try {
    const done = await importOpenMetrics({ file, storage: st, batchBytes: 64, flushSamples: 3 });
    assert.equal(done.samples, 9);
    assert.ok(st.blocks.length > 0, 'compacted into at least one block');
    assert.equal((await st.stats()).headSeries, 0, 'nothing left in the head');
  } finally {
    await st.close();
  }
  const again = await openDuckDBStorage({ dir: data, flushIntervalMs: 3_600_000 });
  try {
    assert.equal((await again.stats()).samples, 9);
    assert.deepEqual(
      (await points(again, 'http_requests_total')).map((r) => r[2]),
      [1, 2, 5],
    );
  } finally {
    await again.close();
  }
});
