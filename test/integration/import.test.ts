import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnUntil, stopProcess, type Started } from '../support/process';
import { history, MINUTE, runVigie, SERVE_READY } from './import-history';

/** instant runs an instant query at t (ms) and returns [labels, value] pairs sorted by labels. */
async function instant(base: string, q: string, t: number): Promise<[string, number][]> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}&time=${t / 1000}`);
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  assert.equal(body.status, 'success', body.error);
  return body.data.result
    .map((r): [string, number] => [JSON.stringify(r.metric), Number(r.value[1])])
    .sort((x, y) => (x[0] < y[0] ? -1 : 1));
}

test('vigie import backfills a file that vigie serve then answers PromQL over, and refuses a folder in use', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-import-'));
  const running: Started[] = [];
  t.after(async () => {
    for (const p of running) await stopProcess(p);
    rmSync(dir, { recursive: true, force: true });
  });
  const end = Math.floor(Date.now() / MINUTE) * MINUTE;
  const file = join(dir, 'history.om');
  writeFileSync(file, history(end));
  const data = join(dir, 'data');

  const imported = await runVigie(['import', '--data', data, '--batch-mb', '0.002', file]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /imported 183 samples of 3 series \(188 lines, /);

  const serve = await spawnUntil(
    ['bin/vigie.js', 'serve', '--no-mdns', '--no-local-agent', '--listen', '127.0.0.1:0', '--data', data],
    SERVE_READY,
  );
  running.push(serve);
  const base = serve.match[1]!;
  assert.deepEqual(await instant(base, 'jobs_done_total', end), [
    ['{"__name__":"jobs_done_total","host":"a"}', 3600],
    ['{"__name__":"jobs_done_total","host":"b"}', 7200],
  ]);
  assert.deepEqual(await instant(base, 'rate(jobs_done_total[5m])', end), [
    ['{"host":"a"}', 1],
    ['{"host":"b"}', 2],
  ]);
  assert.deepEqual(await instant(base, 'sum_over_time(room_temp_celsius[2h])', end), [
    ['{"room":"lab"}', 61 * 20 + 12 * (0 + 1 + 2 + 3 + 4) + 0],
  ]);
  const meta = (await (await fetch(`${base}/api/v1/metadata?metric=jobs_done`)).json()) as {
    data: Record<string, { type: string; help: string }[]>;
  };
  assert.deepEqual(
    meta.data.jobs_done?.map((m) => [m.type, m.help]),
    [['counter', 'Jobs finished.']],
  );

  const busy = await runVigie(['import', '--data', data, file]);
  assert.notEqual(busy.code, 0);
  assert.match(busy.stderr, /in use by another Vigie process/);
});

test('vigie import stops at a bad line with FILE:LINE:COL and a non-zero exit code', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-import-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'bad.om');
  writeFileSync(file, '# TYPE x gauge\nx{a="1"} 1 100\nx{a="1"} one 160\n# EOF\n');
  const r = await runVigie(['import', '--data', join(dir, 'data'), file]);
  assert.equal(r.code, 1);
  assert.ok(
    r.stderr.includes(`${file}:3:10: expected a number as value, got "one"`),
    `stderr names the file, line and column: ${r.stderr}`,
  );
  assert.match(r.stderr, /0 samples of the first 0 lines were stored/);
});

test('vigie import warns when part of the file is older than the retention keeps', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-import-old-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'old.om');
  const day = 86_400;
  writeFileSync(file, `# TYPE x gauge\nx 1 ${1_700_000_000}\nx 2 ${1_700_000_000 + 40 * day}\n# EOF\n`);
  const r = await runVigie(['import', '--data', join(dir, 'data'), file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /older than the retention \(30 d back from the newest sample\) and were dropped/);
});
