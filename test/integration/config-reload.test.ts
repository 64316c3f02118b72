import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnUntil, stopProcess, waitFor, type Started } from '../support/process';

const SERVE_READY = /Vigie is running at (http:\/\/\S+?)\/ /;

interface RuleGroupJson {
  name: string;
  rules: { name: string; alerts?: { activeAt: string; state: string }[] }[];
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `${url} answered ${res.status}`);
  return ((await res.json()) as { data: T }).data;
}

/** saveLikeAnEditor writes a file the way editors do: a new file renamed over the old one. */
function saveLikeAnEditor(path: string, text: string): void {
  writeFileSync(`${path}.swp`, text);
  renameSync(`${path}.swp`, path);
}

const config = (targets: string[], ruleGlob: string): string =>
  `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: ['${ruleGlob}']\n` +
  `scrape_configs:\n  - job_name: lab\n    static_configs:\n` +
  targets.map((t) => `      - targets: ['${t}']\n`).join('');

const ALWAYS = `groups:\n  - name: lab\n    rules:\n      - alert: Always\n        expr: vector(1)\n`;

test('a running vigie serve reloads its config and rule files on save, SIGHUP and POST /-/reload, keeping alert state and refusing bad files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-reload-'));
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
  const target = agent.match[1]!;
  const cfg = join(dir, 'vigie.yml');
  writeFileSync(cfg, config([target], 'rules/*.yml'));
  const rulesDir = join(dir, 'rules');
  mkdirSync(rulesDir);
  writeFileSync(join(rulesDir, 'a.yml'), ALWAYS);
  const serve = await spawnUntil(
    [
      'bin/vigie.js',
      'serve',
      '--data',
      join(dir, 'data'),
      '--listen',
      '127.0.0.1:0',
      '--config',
      cfg,
      '--no-mdns',
      '--no-local-agent',
    ],
    SERVE_READY,
  );
  running.push(serve);
  const base = serve.match[1]!;

  const labGroup = async (): Promise<RuleGroupJson | undefined> =>
    (await getJson<{ groups: RuleGroupJson[] }>(`${base}/api/v1/rules`)).groups.find((g) => g.name === 'lab');
  const firing = await waitFor('the rule from the glob to fire', async () => {
    const a = (await labGroup())?.rules[0]?.alerts?.[0];
    return a?.state === 'firing' ? a : undefined;
  });

  // A new file matching the glob is picked up on its own; the firing alert keeps its activeAt.
  saveLikeAnEditor(
    join(rulesDir, 'b.yml'),
    `groups:\n  - name: more\n    rules:\n      - record: lab:one\n        expr: vector(1)\n`,
  );
  await waitFor('the new rule file to load', async () =>
    (await getJson<{ groups: RuleGroupJson[] }>(`${base}/api/v1/rules`)).groups.some((g) => g.name === 'more')
      ? true
      : undefined,
  );
  assert.equal((await labGroup())?.rules[0]?.alerts?.[0]?.activeAt, firing.activeAt);

  // A broken rule file is refused with its file:line; the running rules stay and runtimeinfo says so.
  saveLikeAnEditor(
    join(rulesDir, 'b.yml'),
    `groups:\n  - name: more\n    rules:\n      - record: lab:one\n        expr: sum(\n`,
  );
  const refused = await fetch(`${base}/-/reload`, { method: 'POST' });
  assert.equal(refused.status, 500);
  assert.match(await refused.text(), /b\.yml:5/);
  const info = await getJson<{ reloadConfigSuccess: boolean }>(`${base}/api/v1/status/runtimeinfo`);
  assert.equal(info.reloadConfigSuccess, false);
  assert.equal((await labGroup())?.rules[0]?.alerts?.[0]?.activeAt, firing.activeAt);

  // The config file gains a second agent on SIGHUP: both are scraped.
  rmSync(join(rulesDir, 'b.yml'));
  const second = await spawnUntil(
    ['agent/bin/vigie-agent.js', '--listen', '127.0.0.1:0', '--no-mdns'],
    /listening on http:\/\/(\S+?)\/metrics/,
  );
  running.push(second);
  const self = second.match[1]!;
  writeFileSync(cfg, config([target, self], 'rules/*.yml'));
  serve.proc.kill('SIGHUP');
  const ups = await waitFor('both targets to be scraped', async () => {
    const r = await getJson<{ result: { metric: { instance: string } }[] }>(
      `${base}/api/v1/query?query=${encodeURIComponent('up{job="lab"} == 1')}`,
    );
    return r.result.length === 2 ? r.result.map((x) => x.metric.instance).sort() : undefined;
  });
  assert.deepEqual(ups, [target, self].sort());
  assert.equal(
    (await getJson<{ reloadConfigSuccess: boolean }>(`${base}/api/v1/status/runtimeinfo`))
      .reloadConfigSuccess,
    true,
  );
  assert.equal((await labGroup())?.rules[0]?.alerts?.[0]?.activeAt, firing.activeAt);
});
