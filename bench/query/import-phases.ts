// import-phases.ts: where `vigie import` spends its time — parse + append, flushes, compaction, checkpoint —
// for the storage owner. Usage: node --import tsx bench/query/import-phases.ts FILE
// (the data folder is a temp folder, removed at exit). Figures are noisy on a shared machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importOpenMetrics } from '../../src-main/import/api';
import { openDuckDBStorage } from '../../src-main/storage/index';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: import-phases.ts FILE');
const dir = mkdtempSync(join(tmpdir(), 'vigie-import-phases-'));
try {
  const st = await openDuckDBStorage({ dir, flushIntervalMs: 3_600_000 });
  const spent = { flush: 0, maintain: 0, checkpoint: 0 };
  const timed =
    <K extends keyof typeof spent>(k: K, f: () => Promise<void>) =>
    async () => {
      const t0 = performance.now();
      await f();
      spent[k] += performance.now() - t0;
    };
  const t0 = performance.now();
  const done = await importOpenMetrics({
    file,
    storage: {
      appender: () => st.appender(),
      querier: () => st.querier(),
      stats: () => st.stats(),
      close: () => st.close(),
      flush: timed('flush', () => st.flush()),
      maintain: timed('maintain', () => st.maintain({ compactAll: true })),
      checkpoint: timed('checkpoint', () => st.checkpoint()),
    },
  });
  const total = performance.now() - t0;
  const parse = total - spent.flush - spent.maintain - spent.checkpoint;
  const ms = (x: number): string => `${(x / 1000).toFixed(2)} s`;
  console.log(
    `${done.samples} samples, ${done.series} series: total ${ms(total)}; parse+append+commit ${ms(parse)}, ` +
      `flush ${ms(spent.flush)}, maintain (compaction) ${ms(spent.maintain)}, checkpoint ${ms(spent.checkpoint)}`,
  );
  console.log(`  parse+append rate ${((done.samples / parse) * 1000).toFixed(0)} samples/s`);
  await st.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
