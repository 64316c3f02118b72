import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonFileStore } from './json-file-store';

test('JsonFileStore keeps documents across instances and deletes them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'state', 'documents.json');
  const a = new JsonFileStore({ path });
  await Promise.all([a.put('dashboards', 'x', { title: 'X' }), a.put('dashboards', 'y', { title: 'Y' })]);
  const b = new JsonFileStore({ path });
  assert.deepEqual(
    (await b.list('dashboards')).map((d) => [d.id, d.doc]),
    [
      ['x', { title: 'X' }],
      ['y', { title: 'Y' }],
    ],
  );
  assert.equal(await b.delete('dashboards', 'x'), true);
  assert.equal(await b.delete('dashboards', 'x'), false);
  assert.equal(await new JsonFileStore({ path }).get('dashboards', 'x'), undefined);
  assert.ok(JSON.parse(readFileSync(path, 'utf8')).dashboards.y);
});

test('JsonFileStore refuses oversized documents and names a corrupt file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const s = new JsonFileStore({ path: join(dir, 'd.json'), maxDocumentBytes: 10 });
  await assert.rejects(s.put('k', 'a', { long: 'x'.repeat(20) }), /over the 10-byte limit/);
  writeFileSync(join(dir, 'bad.json'), '{nope');
  await assert.rejects(
    new JsonFileStore({ path: join(dir, 'bad.json') }).list('k'),
    /bad\.json: not valid JSON/,
  );
});
