import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonFileStore } from './json-file-store';
import { MemoryDocumentStore } from './memory-store';
import { migrateJsonFileStore } from './migrate';

test('migrateJsonFileStore imports every document once, keeping save times, and renames the file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-migrate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'documents.json');
  const old = new JsonFileStore({ path });
  await old.put('dashboards', 'a', { title: 'A' }, 1000);
  await old.put('settings', 'ui', { retentionDays: 7 }, 2000);
  const store = new MemoryDocumentStore();
  assert.equal(await migrateJsonFileStore(path, store), 2);
  assert.deepEqual(await store.get('dashboards', 'a'), { id: 'a', updated: 1000, doc: { title: 'A' } });
  assert.deepEqual(await store.get('settings', 'ui'), { id: 'ui', updated: 2000, doc: { retentionDays: 7 } });
  assert.ok(!existsSync(path) && existsSync(`${path}.migrated`));
  assert.equal(await migrateJsonFileStore(path, store), 0, 'a second start imports nothing');

  writeFileSync(path, '{broken');
  await assert.rejects(migrateJsonFileStore(path, store), /documents\.json: not valid JSON/);
  assert.ok(existsSync(path), 'a corrupt file is left for the user');
});
