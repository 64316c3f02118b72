import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnUntil, stopProcess, waitFor, type Started } from '../support/process';

const SERVE_READY = /Vigie is running at (http:\/\/\S+?)\/ /;

/** query asks a running appliance for an instant PromQL query and returns its vector. */
async function query(
  base: string,
  q: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { status: string; data: { result: [] } };
  assert.equal(body.status, 'success');
  return body.data.result;
}

test('vigie serve scrapes a real agent from a prometheus.yml, keeps data across a restart, and owns its folder', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-serve-'));
  const running: Started[] = [];
  t.after(async () => {
    for (const p of running) await stopProcess(p);
    rmSync(dir, { recursive: true, force: true });
  });

  const agent = await spawnUntil(
    ['agent/bin/vigie-agent.js', '--listen', '127.0.0.1:0', '--no-mdns'],
    /listening on http:\/\/(\S+?)\/metrics/,
  );
  running.push(agent);
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: lab\n    static_configs:\n      - targets: ['${agent.match[1]}']\n        labels: { room: b12 }\n`,
  );
  const args = [
    'bin/vigie.js',
    'serve',
    '--data',
    join(dir, 'data'),
    '--listen',
    '127.0.0.1:0',
    '--config',
    config,
    '--no-mdns',
  ];

  const first = await spawnUntil(args, SERVE_READY);
  running.push(first);
  const base = first.match[1]!;
  const up = await waitFor('the agent to be scraped', async () => {
    const r = await query(base, 'up{job="lab"}');
    return r.length === 1 ? r[0] : undefined;
  });
  assert.deepEqual(up.metric, { __name__: 'up', instance: agent.match[1], job: 'lab', room: 'b12' });
  assert.equal(up.value[1], '1');
  const cpus = await query(base, 'node_cpu_seconds_total{job="lab",mode="idle"}');
  assert.ok(cpus.length >= 1, 'the agent reports at least one cpu');
  // The in-process local agent is on by default, under job "node".
  await waitFor('the local agent', async () =>
    (await query(base, 'up{job="node"}')).length === 1 ? true : undefined,
  );

  const second = spawnUntil(args, SERVE_READY, 20_000);
  await assert.rejects(second, /in use/);

  const samplesBefore = Number((await query(base, 'count_over_time(up{job="lab"}[1h])'))[0]!.value[1]);
  assert.equal(await stopProcess(first, 'SIGTERM'), 0, 'SIGTERM stops serve cleanly');

  const again = await spawnUntil(args, SERVE_READY);
  running.push(again);
  const after = await query(again.match[1]!, 'count_over_time(up{job="lab"}[1h])');
  assert.ok(Number(after[0]!.value[1]) >= samplesBefore, 'samples stored before the restart are still there');
  assert.equal(await stopProcess(again, 'SIGTERM'), 0);
});

test('vigie serve refuses a bad config with file:line and a bad flag with the usage', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-badcfg-'));
  try {
    const config = join(dir, 'vigie.yml');
    writeFileSync(config, 'global:\n  scrape_interval: 10x\n');
    const bad = await spawnUntil(
      ['bin/vigie.js', 'serve', '--config', config, '--data', dir],
      /$^/,
      20_000,
    ).catch((e: Error) => e.message);
    assert.match(String(bad), /exited \(2\)/);
    assert.match(String(bad), /vigie\.yml:2:\d+: global\.scrape_interval/);
    const flag = await spawnUntil(['bin/vigie.js', 'serve', '--bogus'], /$^/, 20_000).catch(
      (e: Error) => e.message,
    );
    assert.match(String(flag), /exited \(2\).*Unknown option '--bogus'/s);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
