import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { SeriesData } from '../api';
import { openDuckDBStorage } from './index';
import type { DuckDBStorage } from './duckdb-storage';
import type { DuckDBStorageOptions } from './options';

/** tempStore opens a store in a fresh temp folder that is closed and deleted when the test ends. */
export async function tempStore(
  t: TestContext,
  options: Omit<DuckDBStorageOptions, 'dir'> = {},
): Promise<{ st: DuckDBStorage; dir: string; reopen: () => Promise<DuckDBStorage> }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-duckdb-test-'));
  let current = await openDuckDBStorage({ dir, flushIntervalMs: 3_600_000, ...options });
  t.after(async () => {
    await current.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    st: current,
    dir,
    reopen: async () => {
      await current.close();
      current = await openDuckDBStorage({ dir, flushIntervalMs: 3_600_000, ...options });
      return current;
    },
  };
}

/** plain turns select results into comparable data, keeping NaN payloads visible as bit patterns. */
export function plain(rs: SeriesData[]): [string, number[], string[]][] {
  const bits = (v: number): string => {
    const f = new Float64Array([v]);
    const u = new Uint32Array(f.buffer);
    return Number.isNaN(v) ? `nan:${u[0]}` : String(v);
  };
  return rs.map((s) => [JSON.stringify(s.labels), [...s.t], [...s.v].map(bits)]);
}
