import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDBStorage } from './index';
import { DEFAULTS, DEFAULT_DUCKDB_SETTINGS, resolveOptions } from './options';
import { tempStore } from './test-helpers';

/** setting reads one DuckDB setting of an open store as DuckDB reports it. */
async function setting(
  conn: { runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }> },
  name: string,
) {
  const r = await conn.runAndReadAll(`SELECT current_setting('${name}')`);
  return String(r.getRows()[0]![0]);
}

test('resolveOptions bounds DuckDB memory by default and merges extra DuckDB settings over the defaults', () => {
  const r = resolveOptions({ dir: '/tmp/x' });
  assert.equal(r.memoryLimit, DEFAULTS.memoryLimit);
  assert.deepEqual(r.duckdbSettings, DEFAULT_DUCKDB_SETTINGS);
  const o = resolveOptions({
    dir: '/tmp/x',
    memoryLimit: '1GB',
    duckdbSettings: { checkpoint_threshold: '64MB' },
  });
  assert.equal(o.memoryLimit, '1GB');
  assert.equal(o.duckdbSettings.checkpoint_threshold, '64MB');
  assert.equal(o.duckdbSettings.allocator_flush_threshold, DEFAULT_DUCKDB_SETTINGS.allocator_flush_threshold);
});

test('an opened store runs DuckDB with the memory limit and the settings it was given', async (t) => {
  const { st } = await tempStore(t, { duckdbSettings: { checkpoint_threshold: '64MB' } });
  // DuckDB reports sizes in MiB: 256 MB = 244.1 MiB, 64 MB = 61.0 MiB.
  assert.equal(await setting(st.conn, 'memory_limit'), '244.1 MiB');
  assert.equal(await setting(st.conn, 'checkpoint_threshold'), '61.0 MiB');
  assert.equal(await setting(st.conn, 'threads'), String(DEFAULTS.threads));
});

test('a DuckDB setting DuckDB refuses fails the open with the option named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-duckdb-test-'));
  try {
    await assert.rejects(
      openDuckDBStorage({ dir, duckdbSettings: { no_such_setting_xyz: '1' } }),
      /storage option "duckdbSettings\.no_such_setting_xyz"/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('by default a store checkpoints at 2 MB of WAL, so appended rows do not pile up in memory', async (t) => {
  const { st } = await tempStore(t);
  // DuckDB reports sizes in MiB: 2 MB = 1.9 MiB.
  assert.equal(await setting(st.conn, 'checkpoint_threshold'), '1.9 MiB');
});
