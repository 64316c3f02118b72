import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnUntil, stopProcess, type Started } from '../support/process';
import { history, MINUTE, runVigie, SERVE_READY } from './import-history';

const PROMTOOL = '/usr/bin/promtool';
const run = promisify(execFile);

/** promtool runs Debian's promtool against the server (bounded in time) and returns its stdout. */
async function promtool(args: string[]): Promise<string> {
  const { stdout } = await run(PROMTOOL, args, { timeout: 30_000, env: { ...process.env, NO_PROXY: '*' } });
  return stdout;
}

test(
  'promtool, a real Prometheus API client, queries vigie serve over imported history',
  { skip: existsSync(PROMTOOL) ? false : `${PROMTOOL} is missing (Debian package "prometheus")` },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-promtool-'));
    const running: Started[] = [];
    t.after(async () => {
      for (const p of running) await stopProcess(p);
      rmSync(dir, { recursive: true, force: true });
    });
    const end = Math.floor(Date.now() / MINUTE) * MINUTE;
    const file = join(dir, 'history.om');
    writeFileSync(file, history(end));
    const data = join(dir, 'data');
    const imported = await runVigie(['import', '--data', data, file]);
    assert.equal(imported.code, 0, imported.stderr);

    const serve = await spawnUntil(
      ['bin/vigie.js', 'serve', '--no-mdns', '--no-local-agent', '--listen', '127.0.0.1:0', '--data', data],
      SERVE_READY,
    );
    running.push(serve);
    const url = serve.match[1]!;
    const endS = String(end / 1000);
    const startS = String((end - 10 * MINUTE) / 1000);

    const inst = await promtool(['query', 'instant', `--time=${endS}`, url, 'jobs_done_total']);
    assert.match(inst, new RegExp(`jobs_done_total\\{host="a"\\} => 3600 @\\[${endS}\\]`));
    assert.match(inst, new RegExp(`jobs_done_total\\{host="b"\\} => 7200 @\\[${endS}\\]`));

    const range = await promtool([
      'query',
      'range',
      `--start=${startS}`,
      `--end=${endS}`,
      '--step=5m',
      url,
      'sum by (host) (rate(jobs_done_total[5m]))',
    ]);
    // promql format: `{host="a"} =>` then one `value @[t]` line per step.
    const a = /\{host="a"\} =>\n((?:.+ @\[.+\]\n?)+)/.exec(range);
    assert.ok(a, `range output has host a: ${range}`);
    assert.deepEqual(
      a[1]!.trim().split('\n'),
      [0, 5, 10].map((m) => `1 @[${(end - (10 - m) * MINUTE) / 1000}]`),
    );
    assert.match(range, /\{host="b"\} =>\n2 @\[/);

    const series = await promtool([
      'query',
      'series',
      '--match=jobs_done_total',
      `--start=${startS}`,
      `--end=${endS}`,
      url,
    ]);
    assert.deepEqual(series.trim().split('\n').sort(), [
      '{__name__="jobs_done_total", host="a"}',
      '{__name__="jobs_done_total", host="b"}',
    ]);

    const labels = await promtool(['query', 'labels', url, 'host']);
    assert.deepEqual(labels.trim().split('\n'), ['a', 'b']);

    const json = JSON.parse(
      await promtool(['query', 'instant', '-o', 'json', `--time=${endS}`, url, 'room_temp_celsius']),
    ) as { metric: Record<string, string>; value: [number, string] }[];
    assert.deepEqual(json, [
      { metric: { __name__: 'room_temp_celsius', room: 'lab' }, value: [end / 1000, '20'] },
    ]);
  },
);
