// bench/parser.ts: throughput of the exposition parser on Prometheus's real-world sample bodies.
// Run: node --import tsx bench/parser.ts [seconds-per-case]. Figures are noisy on a shared machine.
// Mode (a) is the cached scrape path: next() + seriesKey() + value() + timestamp(). Mode (b) adds labels()
// for every series, as on a cold series cache.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from '../src-main/scrape/exposition/parser';
import { testdataDir } from '../src-main/scrape/exposition/testdata-path';

const dataDir = testdataDir('textparse');
const seconds = Number(process.argv[2] ?? 2);

const cases = [
  { file: 'alltypes.237mfs.prom.txt', contentType: 'text/plain; version=0.0.4' },
  { file: 'alltypes.5mfs.om.txt', contentType: 'application/openmetrics-text; version=1.0.0' },
];

/** run parses body repeatedly for `seconds` and returns samples and bytes per second. */
function run(body: string, contentType: string, withLabels: boolean): { samples: number; mb: number } {
  let samples = 0;
  let passes = 0;
  let sink = 0;
  // Rates are per second of this process's CPU time, not wall time, so that other work on a shared machine
  // skews them less (it still does, through caches and frequency).
  const wallStart = process.hrtime.bigint();
  const deadline = wallStart + BigInt(Math.round(seconds * 1e9));
  const cpuStart = process.cpuUsage();
  while (process.hrtime.bigint() < deadline) {
    for (let rep = 0; rep < 20; rep++) {
      const p = createParser(body, contentType);
      for (let e = p.next(); e !== undefined; e = p.next()) {
        if (e !== 'series') continue;
        sink += p.seriesKey().length + p.value() + (p.timestamp() ?? 0);
        if (withLabels) sink += Object.keys(p.labels()).length;
        samples++;
      }
      passes++;
    }
  }
  const cpu = process.cpuUsage(cpuStart);
  const elapsed = (cpu.user + cpu.system) / 1e6;
  if (sink === -1) console.log('');
  return { samples: samples / elapsed, mb: (passes * Buffer.byteLength(body)) / elapsed / 1e6 };
}

for (const { file, contentType } of cases) {
  const body = readFileSync(join(dataDir, file), 'utf8');
  run(body, contentType, false); // warm-up
  for (const withLabels of [false, true]) {
    const r = run(body, contentType, withLabels);
    const mode = withLabels ? '(b) +labels()' : '(a) cached   ';
    console.log(
      `${file.padEnd(26)} ${mode} ${Math.round(r.samples).toLocaleString('en-US').padStart(11)} samples/s ${r.mb.toFixed(1).padStart(6)} MB/s`,
    );
  }
}
