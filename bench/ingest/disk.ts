// disk.ts: sizes of folders and Prometheus TSDB blocks, for bytes-per-sample figures.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** folderBytes is the apparent size of every regular file below `dir` (0 if it does not exist). */
export function folderBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** BlockTotals add up the TSDB blocks of a folder: chunk bytes, all bytes (index, tombstones), samples. */
export interface BlockTotals {
  blocks: number;
  chunkBytes: number;
  totalBytes: number;
  numSamples: number;
  numSeries: number;
}

/** blockTotals reads every `<ulid>/meta.json` below `dir`; numSeries is the largest block's (series span blocks). */
export function blockTotals(dir: string): BlockTotals {
  const totals: BlockTotals = { blocks: 0, chunkBytes: 0, totalBytes: 0, numSamples: 0, numSeries: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const meta = join(dir, entry.name, 'meta.json');
    if (!entry.isDirectory() || !existsSync(meta)) continue;
    const stats = (
      JSON.parse(readFileSync(meta, 'utf8')) as { stats?: { numSamples?: number; numSeries?: number } }
    ).stats;
    totals.blocks++;
    totals.chunkBytes += folderBytes(join(dir, entry.name, 'chunks'));
    totals.totalBytes += folderBytes(join(dir, entry.name));
    totals.numSamples += stats?.numSamples ?? 0;
    totals.numSeries = Math.max(totals.numSeries, stats?.numSeries ?? 0);
  }
  return totals;
}
