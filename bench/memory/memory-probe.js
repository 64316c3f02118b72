// memory-probe.js: preloaded into the measured `vigie serve` (node --import) by headless-50-hosts.ts. On
// SIGUSR2 it writes, to the file named by VIGIE_MEMORY_PROBE, the process's own view of its memory: V8's
// heap (per space; a heap snapshot when asked), Node's external buffers and DuckDB's buffer manager (duckdb_memory(), through the instance the
// storage opened, caught by wrapping DuckDBInstance.create). Nothing else changes in the process.
import { renameSync, writeFileSync } from 'node:fs';
import { existsSync, rmSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { DuckDBInstance } from '@duckdb/node-api';

const out = process.env.VIGIE_MEMORY_PROBE;
const instances = [];
const create = DuckDBInstance.create.bind(DuckDBInstance);
DuckDBInstance.create = async (...args) => {
  const instance = await create(...args);
  instances.push(instance);
  return instance;
};

/** duckdbMemory sums duckdb_memory() per tag over the opened instances. */
async function duckdbMemory() {
  const rows = [];
  for (const instance of instances) {
    const c = await instance.connect();
    try {
      const r = await c.runAndReadAll(
        'SELECT tag, memory_usage_bytes::BIGINT AS bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0',
      );
      // BIGINT columns come back as strings in JSON form.
      rows.push(...r.getRowObjectsJson().map((row) => ({ tag: String(row.tag), bytes: Number(row.bytes) })));
      const limit = await c.runAndReadAll("SELECT current_setting('memory_limit') AS v");
      rows.push({ tag: 'memory_limit_setting', bytes: 0, value: String(limit.getRowObjectsJson()[0]?.v) });
    } finally {
      c.closeSync?.();
    }
  }
  return rows;
}

if (out !== undefined)
  process.on('SIGUSR2', () => {
    duckdbMemory()
      .catch((err) => [{ tag: 'error', bytes: 0, value: String(err) }])
      .then((duckdb) => {
        // A snapshot is taken when the bench asked for one (a request file beside the report).
        let snapshot;
        if (existsSync(`${out}.snapshot-request`)) {
          rmSync(`${out}.snapshot-request`);
          snapshot = writeHeapSnapshot(`${out}.heapsnapshot`);
        }
        const spaces = getHeapSpaceStatistics().map((s) => ({
          space: s.space_name,
          used: s.space_used_size,
          committed: s.physical_space_size,
        }));
        const body = {
          t: Date.now(),
          memoryUsage: process.memoryUsage(),
          heap: getHeapStatistics(),
          spaces,
          duckdb,
          snapshot,
        };
        writeFileSync(`${out}.tmp`, JSON.stringify(body));
        renameSync(`${out}.tmp`, out);
      });
  });
