// storage-boundary-check.ts: a reproduction, for the storage owner, of wrong samples the query benchmark
// found. 1024 counters (2 instances × N cpus × 8 modes) every 10 s from 10 min before a 2 h block boundary
// B to 2 h after it, compacted into 2 blocks; then select {mode!="idle", inst="a"} over [B-295 s, B+5 s],
// the window of `rate(...[5m])` at B+5 s. Every series should have 30 samples in strictly increasing time.
// It prints how many series come back with a repeated timestamp (seen: a second sample at B with another
// value), which `rate` then reads as a counter reset. Usage: node --import tsx
// bench/query/storage-boundary-check.ts [cpus=64] [threads=2]. The store lives in a temp folder removed
// at exit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Matcher } from '../../src-main/common/matcher';
import { openDuckDBStorage } from '../../src-main/storage/index';

const cpus = Number(process.argv[2] ?? 64);
const threads = Number(process.argv[3] ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'vigie-boundary-check-'));
try {
  const st = await openDuckDBStorage({ dir, flushIntervalMs: 3_600_000, threads });
  try {
    const B = Date.parse('2026-11-21T04:00:00Z');
    const modes = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'];
    const app = st.appender();
    let s = 0;
    for (const inst of ['a', 'b'])
      for (let cpu = 0; cpu < cpus; cpu++)
        for (const mode of modes) {
          s++;
          const labels = { __name__: 'm', inst, cpu: String(cpu), mode };
          for (let t = B - 600_000; t < B + 7_200_000; t += 10_000) {
            const v = s * 100 + ((t - B + 600_000) / 1000) * 0.0317 * (1 + (s % 7));
            app.append(0, labels, t, Math.round(v * 100) / 100);
          }
        }
    await app.commit();
    await st.flush();
    await st.maintain({ compactAll: true });
    const matchers: Matcher[] = [
      { type: '=', name: '__name__', value: 'm' },
      { type: '!=', name: 'mode', value: 'idle' },
      { type: '=', name: 'inst', value: 'a' },
    ] as Matcher[];
    const got = await st.querier().select(matchers, B - 295_000, B + 5_000);
    let bad = 0;
    let shown = 0;
    for (const x of got) {
      let ok = x.t.length === 30;
      for (let i = 1; i < x.t.length; i++) {
        if (x.t[i]! > x.t[i - 1]!) continue;
        ok = false;
        if (shown++ < 3)
          console.log(
            `  ${JSON.stringify(x.labels)}: t=${x.t[i - 1]} v=${x.v[i - 1]}, then t=${x.t[i]} v=${x.v[i]}`,
          );
      }
      if (!ok) bad++;
    }
    console.log(
      `${got.length} series selected across ${st.blocks.length} blocks (DuckDB threads ${threads}); ` +
        `${bad} with wrong samples`,
    );
  } finally {
    await st.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
