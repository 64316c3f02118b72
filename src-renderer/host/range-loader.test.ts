import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MatrixItem, RangeOptions } from '../api/client';
import { alignWindow, RangeLoader, stepForWidth, urlConcurrency } from './range-loader';

test('stepForWidth gives about one point per pixel, between 100 and 500, on nice steps', () => {
  assert.equal(stepForWidth(86400, 600), 300); // 500 points max: 172.8 s → 300 s
  assert.equal(stepForWidth(86400, 300), 300); // 288 s → 300 s
  assert.equal(stepForWidth(3600, 500), 10); // never below the scrape interval
  assert.equal(stepForWidth(3600, 20), 60); // at least 100 points: 36 s → 60 s
  assert.ok(86400 / stepForWidth(86400, 4000) <= 500);
});

test('alignWindow snaps both ends down to the step', () => {
  assert.deepEqual(alignWindow(1005, 2009, 10), { start: 1000, end: 2000 });
});

function deferred(): { promise: Promise<MatrixItem[]>; resolve: (m: MatrixItem[]) => void } {
  let resolve!: (m: MatrixItem[]) => void;
  const promise = new Promise<MatrixItem[]>((r) => (resolve = r));
  return { promise, resolve };
}

test('RangeLoader keeps at most `concurrency` queries in flight and runs the rest in order', async () => {
  const pending: { expr: string; d: ReturnType<typeof deferred> }[] = [];
  const loader = new RangeLoader({
    concurrency: 2,
    fetchRange: (expr) => {
      const d = deferred();
      pending.push({ expr, d });
      return d.promise;
    },
  });
  const r: RangeOptions = { start: 0, end: 100, step: 10 };
  const answers = ['a', 'b', 'c', 'd'].map((e) => loader.load(e, r));
  await Promise.resolve();
  assert.deepEqual(
    pending.map((p) => p.expr),
    ['a', 'b'],
  );
  assert.equal(loader.inFlight, 2);
  pending[0]!.d.resolve([{ metric: { q: 'a' }, values: [] }]);
  await answers[0];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    pending.map((p) => p.expr),
    ['a', 'b', 'c'],
  );
  for (const p of pending.slice(1)) p.d.resolve([]);
  await new Promise((r) => setImmediate(r));
  pending[3]!.d.resolve([]);
  await Promise.all(answers);
  assert.equal(loader.inFlight, 0);
});

test('RangeLoader reuses an answer for the same window until it expires, and never keeps failures', async () => {
  let now = 0;
  let calls = 0;
  let fail = true;
  const loader = new RangeLoader({
    cacheMs: 1000,
    now: () => now,
    fetchRange: async () => {
      calls++;
      if (fail) throw new Error('down');
      return [];
    },
  });
  const r = { start: 0, end: 100, step: 10 };
  await assert.rejects(loader.load('x', r), /down/);
  await new Promise((r) => setImmediate(r));
  fail = false;
  await loader.load('x', r);
  await loader.load('x', r);
  assert.equal(calls, 2, 'the failure was retried, the success reused');
  await loader.load('x', { ...r, step: 20 });
  assert.equal(calls, 3, 'another step is another answer');
  now = 2000;
  await loader.load('x', r);
  assert.equal(calls, 4, 'expired answers are fetched again');
});

test('urlConcurrency reads a sane queryConcurrency from the URL, else leaves the default', () => {
  assert.equal(urlConcurrency('http://x/hosts/a?queryConcurrency=2'), 2);
  assert.equal(urlConcurrency('http://x/hosts/a?queryConcurrency=0'), undefined);
  assert.equal(urlConcurrency('http://x/hosts/a?queryConcurrency=abc'), undefined);
  assert.equal(urlConcurrency('http://x/hosts/a'), undefined);
  assert.equal(urlConcurrency(undefined), undefined);
});
