// The route tree is checked against Alertmanager's own amtool: the same alertmanager.yml, pasted under
// `alerting:`, must send each label set to the same receivers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src-main/config/load';
import { Route } from '../../src-main/notify/route';

const AMTOOL = '/usr/bin/amtool';
const skip = existsSync(AMTOOL) ? false : 'amtool is not installed';

const AM = `route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
      continue: true
      routes:
        - matchers: ['team=~"db|storage"']
          receiver: db-pager
    - match: { team: web }
      receiver: web
    - match_re: { instance: "lab-.*" }
      receiver: lab
      routes:
        - matchers: ['alertname!="HostDown"']
          receiver: lab-quiet
    - matchers: ['severity="critical"', 'team="web"']
      receiver: never-reached-after-web
receivers:
  - name: default
  - name: pager
  - name: db-pager
  - name: web
  - name: lab
  - name: lab-quiet
  - name: never-reached-after-web
`;

const CASES: Record<string, string>[] = [
  { alertname: 'A' },
  { alertname: 'A', severity: 'critical' },
  { alertname: 'A', severity: 'critical', team: 'db' },
  { alertname: 'A', severity: 'critical', team: 'web' },
  { alertname: 'A', team: 'web' },
  { alertname: 'HostDown', instance: 'lab-1' },
  { alertname: 'DiskFull', instance: 'lab-1' },
  { alertname: 'DiskFull', instance: 'lab-1', severity: 'critical', team: 'storage' },
  { alertname: 'X', instance: 'prod-1', severity: 'warning' },
];

test('routes send alerts to the receivers amtool config routes test names', { skip }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-amtool-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'alertmanager.yml');
  await writeFile(file, AM);
  const indented = AM.split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n');
  const cfg = parseConfig(`alerting:\n${indented}`, 'vigie.yml');
  const root = new Route(cfg.alerting.route);
  for (const labels of CASES) {
    const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    const r = spawnSync(AMTOOL, ['config', 'routes', 'test', `--config.file=${file}`, ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const theirs = r.stdout.trim();
    const ours = root
      .match(labels)
      .map((x) => x.opts.receiver)
      .join(',');
    assert.equal(ours, theirs, `labels ${args.join(' ')}`);
  }
});
