import type { DuckDBConnection } from '@duckdb/node-api';
import { blockSeriesTable, blockTable, type Block } from './block-catalog';
import { encodeSeries } from './block-codec';
import { BlockChunkWriter, readSampleChunk } from './vectors';

/** SeriesKeyOf gives the key a series id is ranked by in a block (blockOrderKey in the store). */
export type SeriesKeyOf = (id: number) => string;

/** BATCH_SERIES is how many series' rows compaction holds in JS at once (~1500 rows each at most). */
const BATCH_SERIES = 2000;

/**
 * compactWindow moves the head rows with t in [start, end) into a new block (see block-codec.ts for the
 * row encoding) inside one DuckDB transaction on its own connection: it reads a snapshot of the head, so
 * flushes go on meanwhile, and rows flushed after that snapshot are neither copied nor deleted (they stay
 * in the head for a later block). `publish` runs the final COMMIT; the caller wraps it in the lock that
 * queries take, so a query sees the rows either in the head or in the new block, never both or neither.
 * Returns null when the window holds no rows.
 */
export async function compactWindow(
  conn: DuckDBConnection,
  seq: number,
  start: number,
  end: number,
  keyOf: SeriesKeyOf,
  publish: (commit: () => Promise<void>, block: Block) => Promise<void>,
): Promise<Block | null> {
  const range = [BigInt(start), BigInt(end)];
  await conn.run('BEGIN TRANSACTION');
  try {
    const idsReader = await conn.runAndReadAll(
      'SELECT DISTINCT series_id FROM head WHERE t >= $1 AND t < $2',
      range,
    );
    const ids = (idsReader.getColumns()[0] ?? []) as number[];
    if (ids.length === 0) {
      await conn.run('ROLLBACK');
      return null;
    }
    const keys = new Map<number, string>();
    for (const id of ids) keys.set(id, keyOf(id));
    ids.sort((a, b) => {
      const ka = keys.get(a)!;
      const kb = keys.get(b)!;
      return ka < kb ? -1 : ka > kb ? 1 : a - b;
    });
    const seriesOfK = Int32Array.from(ids);
    const bt = blockTable(seq);
    const st = blockSeriesTable(seq);
    await conn.run('CREATE OR REPLACE TEMP TABLE compact_order(k INTEGER, series_id INTEGER)');
    const orderApp = await conn.createAppender('compact_order', 'main', 'temp');
    for (let k = 0; k < seriesOfK.length; k++) {
      orderApp.appendInteger(k);
      orderApp.appendInteger(seriesOfK[k]!);
      orderApp.endRow();
    }
    orderApp.closeSync();
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE compact_rows AS SELECT o.k, h.t, h.v FROM head h JOIN compact_order o
       USING (series_id) WHERE h.t >= $1 AND h.t < $2 ORDER BY o.k, h.t`,
      range,
    );
    await conn.run(`CREATE TABLE ${bt}(k INTEGER NOT NULL, dt INTEGER NOT NULL, dv DOUBLE, v DOUBLE)`);
    await conn.run(
      `CREATE TABLE ${st}(k INTEGER NOT NULL, series_id INTEGER NOT NULL, mint BIGINT, maxt BIGINT,
       base_t BIGINT, base_v BIGINT, e TINYINT)`,
    );
    const rowsApp = await conn.createAppender(bt);
    const seriesApp = await conn.createAppender(st);
    const writer = new BlockChunkWriter((c) => rowsApp.appendDataChunk(c));
    let mint = Infinity;
    let maxt = -Infinity;
    let rows = 0;
    let t = new Float64Array(2048);
    let v = new Float64Array(2048);
    let n = 0;
    let curK = -1;
    const finishSeries = (): void => {
      if (n === 0) return;
      const enc = encodeSeries(t, v, n);
      for (let i = 0; i < n; i++) writer.add(curK, enc.dt[i]!, enc.kind[i]!, enc.dv[i]!, enc.v[i]!);
      seriesApp.appendInteger(curK);
      seriesApp.appendInteger(seriesOfK[curK]!);
      seriesApp.appendBigInt(BigInt(t[0]!));
      seriesApp.appendBigInt(BigInt(t[n - 1]!));
      seriesApp.appendBigInt(BigInt(enc.baseT));
      seriesApp.appendBigInt(BigInt(enc.baseV));
      seriesApp.appendTinyInt(enc.e);
      seriesApp.endRow();
      mint = Math.min(mint, t[0]!);
      maxt = Math.max(maxt, t[n - 1]!);
      rows += n;
      n = 0;
    };
    for (let lo = 0; lo < seriesOfK.length; lo += BATCH_SERIES) {
      const result = await conn.run('SELECT k, t::DOUBLE, v FROM compact_rows WHERE k BETWEEN $1 AND $2', [
        lo,
        lo + BATCH_SERIES - 1,
      ]);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) break;
        readSampleChunk(chunk, (k, ts, x) => {
          if (k !== curK) {
            finishSeries();
            curK = k;
          }
          if (n === t.length) {
            const nt = new Float64Array(n * 2);
            const nv = new Float64Array(n * 2);
            nt.set(t);
            nv.set(v);
            [t, v] = [nt, nv];
          }
          t[n] = ts;
          v[n++] = x;
        });
      }
    }
    finishSeries();
    writer.flush();
    rowsApp.closeSync();
    seriesApp.closeSync();
    await conn.run('DELETE FROM head WHERE t >= $1 AND t < $2', range);
    await conn.run('INSERT INTO blocks VALUES ($1, $2, $3, $4)', [
      seq,
      BigInt(mint),
      BigInt(maxt),
      BigInt(rows),
    ]);
    await conn.run('DROP TABLE compact_order');
    await conn.run('DROP TABLE compact_rows');
    const block: Block = { seq, mint, maxt, rows, seriesOfK };
    await publish(async () => void (await conn.run('COMMIT')), block);
    return block;
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** dropBlock deletes a block's tables and catalog row in one transaction (retention's unit of work). */
export async function dropBlock(conn: DuckDBConnection, b: Block): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(`DROP TABLE IF EXISTS ${blockTable(b.seq)}`);
    await conn.run(`DROP TABLE IF EXISTS ${blockSeriesTable(b.seq)}`);
    await conn.run('DELETE FROM blocks WHERE seq = $1', [b.seq]);
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
