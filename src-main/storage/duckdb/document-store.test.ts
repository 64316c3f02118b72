import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDBDocumentStore } from './document-store';
import { tempStore } from './test-helpers';

test('documents live in the database file: put, list, get, delete, kept across close and reopen', async (t) => {
  const { st, reopen } = await tempStore(t);
  const d = st.documents();
  await Promise.all([
    d.put('dashboards', 'b', { title: 'B', panels: [1, 2] }),
    d.put('dashboards', 'a', { title: 'A' }),
    d.put('outbox', 'x', { n: 1 }, 1234),
  ]);
  assert.deepEqual(
    (await d.list('dashboards')).map((x) => [x.id, x.doc]),
    [
      ['a', { title: 'A' }],
      ['b', { title: 'B', panels: [1, 2] }],
    ],
  );
  await d.put('dashboards', 'a', { title: 'A2' });
  assert.equal(await d.delete('dashboards', 'b'), true);
  assert.equal(await d.delete('dashboards', 'b'), false);

  const st2 = await reopen();
  const d2 = st2.documents();
  assert.deepEqual(
    (await d2.list('dashboards')).map((x) => [x.id, x.doc]),
    [['a', { title: 'A2' }]],
  );
  assert.deepEqual(await d2.get('outbox', 'x'), { id: 'x', updated: 1234, doc: { n: 1 } });
  assert.equal(await d2.get('outbox', 'nope'), undefined);
  await assert.rejects(d.list('dashboards'), /the storage is closed/);
});

test('documents refuse oversized documents and too many of one kind, with the limit named', async (t) => {
  const { st } = await tempStore(t);
  await assert.rejects(st.documents().put('k', 'big', 'x'.repeat(5 << 20)), /over the 4194304-byte limit/);
  // A store of its own with small limits, on an in-memory database.
  const db = await DuckDBInstance.create(':memory:');
  const small = new DuckDBDocumentStore(() => db.connect(), {
    file: 'test.duckdb',
    maxDocuments: 2,
    maxDocumentBytes: 100,
  });
  t.after(async () => {
    await small.close();
    db.closeSync();
  });
  await small.put('k', '1', 1);
  await small.put('k', '2', 2);
  await small.put('k', '2', 3); // a replacement is not a new document
  await small.put('other', '1', 1); // the limit is per kind
  await assert.rejects(small.put('k', '3', 3), /k: the limit of 2 documents is reached/);
  await assert.rejects(small.put('k', '1', 'y'.repeat(200)), /k 1: 202 bytes is over the 100-byte limit/);
  await assert.rejects(small.put('k', '1', undefined), /k 1: not a JSON value/);
  assert.deepEqual(await small.get('k', '2'), {
    id: '2',
    updated: (await small.get('k', '2'))!.updated,
    doc: 3,
  });
});
