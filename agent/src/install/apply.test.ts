import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan } from './apply';
import { linuxInstallPlan, linuxUninstallPlan } from './linux-plan';

function temp(t: { after(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-install-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('install then uninstall under a root: files with exact modes, commands in order, all removed', (t) => {
  const dir = temp(t);
  const root = join(dir, 'root');
  const bundle = join(dir, 'vigie-agent.js');
  const token = join(dir, 'token');
  writeFileSync(bundle, '#!/usr/bin/env node\n');
  writeFileSync(token, 'abcdefghijklmnopqrstuvwxyz\n');
  const ran: string[] = [];
  const run = (argv: string[]) => (ran.push(argv.slice(1).join(' ')), { status: 0, stderr: '' });
  const lines: string[] = [];
  const plan = linuxInstallPlan({
    node: '/usr/bin/node',
    nodeFlags: [],
    bundle,
    agentArgs: [],
    enrollmentTokenFile: token,
  });
  applyPlan(plan, { root, runCommands: true, run, log: (l) => lines.push(l) });
  assert.equal(statSync(join(root, 'usr/local/lib/vigie-agent/vigie-agent.js')).mode & 0o777, 0o755);
  assert.equal(statSync(join(root, 'etc/vigie-agent/enrollment-token')).mode & 0o777, 0o600);
  assert.equal(statSync(join(root, 'etc/vigie-agent')).mode & 0o777, 0o700);
  assert.equal(statSync(join(root, 'etc/systemd/system/vigie-agent.service')).mode & 0o777, 0o644);
  assert.match(readFileSync(join(root, 'etc/systemd/system/vigie-agent.service'), 'utf8'), /LoadCredential=/);
  assert.deepEqual(ran, ['systemctl daemon-reload', 'systemctl enable --now vigie-agent.service']);

  ran.length = 0;
  applyPlan(linuxUninstallPlan(false), { root, runCommands: true, run, log: () => {} });
  assert.deepEqual(ran, ['systemctl disable --now vigie-agent.service', 'systemctl daemon-reload']);
  assert.equal(existsSync(join(root, 'etc/systemd/system/vigie-agent.service')), false);
  assert.equal(existsSync(join(root, 'usr/local/lib/vigie-agent')), false);
  assert.equal(existsSync(join(root, 'etc/vigie-agent')), false);
});

test('a failing systemctl stops the install with the command and its error; stopping a missing service does not', (t) => {
  const root = temp(t);
  const failing = (argv: string[]) =>
    argv.includes('enable') || argv.includes('disable')
      ? { status: 5, stderr: 'Unit vigie-agent.service not found.' }
      : { status: 0, stderr: '' };
  const bundle = join(root, 'b.js');
  writeFileSync(bundle, '');
  assert.throws(
    () =>
      applyPlan(linuxInstallPlan({ node: '/n', nodeFlags: [], bundle, agentArgs: [] }), {
        root,
        runCommands: true,
        run: failing,
        log: () => {},
      }),
    /systemctl enable --now vigie-agent\.service: exited with 5: Unit vigie-agent\.service not found\./,
  );
  const lines: string[] = [];
  applyPlan(linuxUninstallPlan(true), { root, runCommands: true, run: failing, log: (l) => lines.push(l) });
  assert.ok(lines.some((l) => /disable --now .* exited with 5 \(ignored\)/.test(l)));
});

test('under a staging root no command runs', (t) => {
  const root = temp(t);
  const bundle = join(root, 'b.js');
  writeFileSync(bundle, '');
  const ran: string[] = [];
  const lines: string[] = [];
  applyPlan(linuxInstallPlan({ node: '/n', nodeFlags: [], bundle, agentArgs: [] }), {
    root,
    runCommands: false,
    run: (argv) => (ran.push(argv.join(' ')), { status: 0, stderr: '' }),
    log: (l) => lines.push(l),
  });
  assert.deepEqual(ran, []);
  assert.ok(lines.some((l) => l.startsWith('skipped (staged under')));
});
