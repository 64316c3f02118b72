import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type QueryResult } from './client';
import { QueryBatcher, urlBatching, type BatchItem, type BatchLine } from './batch';

const vector = (v: string): QueryResult => ({
  resultType: 'vector',
  result: [{ metric: { v }, value: [1, v] }],
});

/** answering is a batch route that answers each query with its own expression, last query first. */
function answering(sent: BatchItem[][]) {
  return async (items: BatchItem[], onLine: (l: BatchLine) => void): Promise<void> => {
    sent.push(items);
    for (let i = items.length - 1; i >= 0; i--)
      onLine({ index: i, status: 'success', data: vector(items[i]!.query) });
  };
}

test('queries asked in the same turn go out as one batch, and each gets its own answer', async () => {
  const sent: BatchItem[][] = [];
  const b = new QueryBatcher({ fetchBatch: answering(sent) });
  const [a, r, c] = await Promise.all([
    b.instant('a'),
    b.range('r', { start: 0, end: 60, step: 30 }),
    b.run({ query: 'c', time: 5 }),
  ]);
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0], [
    { query: 'a' },
    { query: 'r', start: 0, end: 60, step: 30 },
    { query: 'c', time: 5 },
  ]);
  assert.equal(a[0]!.metric.v, 'a');
  assert.deepEqual(r, [], 'a vector answer to a range query reads as no series');
  assert.deepEqual(c, vector('c'));
  await b.instant('later');
  assert.equal(sent.length, 2, 'a later turn is a new batch');
});

test('a batch is split at maxBatch queries', async () => {
  const sent: BatchItem[][] = [];
  const b = new QueryBatcher({ fetchBatch: answering(sent), maxBatch: 2 });
  await Promise.all(['1', '2', '3', '4', '5'].map((q) => b.instant(q)));
  assert.deepEqual(
    sent.map((s) => s.length),
    [2, 2, 1],
  );
});

test('an error line fails only its query; a query the batch never answered fails too', async () => {
  const b = new QueryBatcher({
    fetchBatch: async (_items, onLine) => {
      onLine({ index: 0, status: 'error', errorType: 'bad_data', error: 'parse error at char 3' });
      onLine({ index: 1, status: 'success', data: vector('ok') });
    },
  });
  const [bad, good, lost] = await Promise.allSettled([b.instant('x y'), b.instant('ok'), b.instant('z')]);
  assert.equal(bad.status, 'rejected');
  assert.match(String((bad as PromiseRejectedResult).reason), /parse error at char 3/);
  assert.equal(good.status, 'fulfilled');
  assert.match(String((lost as PromiseRejectedResult).reason), /without this answer/);
});

test('without the batch route, queries go one by one, a few at a time, from then on', async () => {
  let batches = 0;
  let running = 0;
  let most = 0;
  const singles: string[] = [];
  const b = new QueryBatcher({
    fallbackConcurrency: 2,
    fetchBatch: async () => {
      batches++;
      throw new ApiError(404, 'not found');
    },
    fetchOne: async (item) => {
      singles.push(item.query);
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 0));
      running--;
      return vector(item.query);
    },
  });
  const out = await Promise.all(['1', '2', '3', '4', '5'].map((q) => b.instant(q)));
  assert.deepEqual(
    out.map((v) => v[0]!.metric.v),
    ['1', '2', '3', '4', '5'],
  );
  assert.equal(most, 2, 'at most fallbackConcurrency at once');
  await b.instant('6');
  assert.equal(batches, 1, 'the batch route is not asked again');
  assert.deepEqual(singles, ['1', '2', '3', '4', '5', '6']);
});

test("an unreachable appliance fails the batch's queries without falling back", async () => {
  const b = new QueryBatcher({
    fetchBatch: async () => {
      throw new ApiError(0, 'The appliance is unreachable');
    },
    fetchOne: async () => assert.fail('no single query expected'),
  });
  await assert.rejects(b.instant('up'), /unreachable/);
});

test('urlBatching is on unless the URL says queryBatch=0', () => {
  assert.equal(urlBatching(undefined), true);
  assert.equal(urlBatching('http://x/hosts/a?range=86400'), true);
  assert.equal(urlBatching('http://x/hosts/a?queryBatch=0'), false);
});

test('busy holds from the first query asked until the last answer is in', async () => {
  let finish!: () => void;
  const b = new QueryBatcher({
    fetchBatch: async (items, onLine) => {
      await new Promise<void>((r) => (finish = r));
      items.forEach((it, i) => onLine({ index: i, status: 'success', data: vector(it.query) }));
    },
  });
  assert.equal(b.busy, false);
  const answer = b.instant('a');
  assert.equal(b.busy, true, 'waiting to be sent');
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(b.busy, true, 'sent, not answered');
  finish();
  await answer;
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(b.busy, false);
});
