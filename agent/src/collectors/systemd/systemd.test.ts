import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MetricSet } from '../../metrics';
import { valueOf } from '../linux/testkit';
import { parseListUnits, parseShow, parseSystemdVersion } from './parse';
import { execSystemctl, systemdCollector, type Systemctl } from './systemd';

// testdata/ holds systemctl's output in the shape systemd 252 (Debian 12) prints it.
const testdata = (name: string): Promise<string> =>
  readFile(fileURLToPath(new URL(`testdata/${name}`, import.meta.url)), 'utf8');

/** bootedDir makes a run directory that says systemd is PID 1, as /run/systemd/system does. */
async function bootedDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-systemd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'systemd/system'), { recursive: true });
  return dir;
}

/** recorded answers like systemctl from the testdata files and remembers what it was asked. */
function recorded(calls: string[][]): Systemctl {
  return async (args) => {
    calls.push([...args]);
    if (args[0] === 'list-units') return testdata('list-units.txt');
    if (args.includes('--property=Id,Type')) return testdata('show-types.txt');
    return testdata('show-manager.txt');
  };
}

test('parseListUnits reads UNIT LOAD ACTIVE SUB, skips the ● marker, and names a bad line', async () => {
  const units = parseListUnits(await testdata('list-units.txt'));
  assert.equal(units.length, 17);
  assert.deepEqual(units[7], {
    name: 'nginx.service',
    loadState: 'loaded',
    activeState: 'failed',
    subState: 'failed',
  });
  assert.equal(units.find((u) => u.name === 'smbd.service')?.loadState, 'not-found');
  assert.throws(
    () => parseListUnits('ok.service loaded active running x\nbroken.service\n'),
    /line 2: expected/,
  );
});

test("parseShow splits blocks; parseSystemdVersion reads node_exporter's number", async () => {
  const blocks = parseShow(await testdata('show-types.txt'));
  assert.equal(blocks.length, 7);
  assert.deepEqual(blocks[1], { Type: 'notify', Id: 'docker.service' });
  assert.equal(parseSystemdVersion('252.39-1~deb12u2'), 252.39);
  assert.equal(parseSystemdVersion('v255'), 255);
  assert.equal(parseSystemdVersion('unknown'), 0);
});

test('systemd collector: one series per state per included unit, with the service Type, as node_exporter', async (t) => {
  const calls: string[][] = [];
  const c = systemdCollector({}, await bootedDir(t), recorded(calls));
  const out = new MetricSet();
  await c.collect(out);
  const state = (name: string, s: string, type: string): number | undefined =>
    valueOf(out, 'node_systemd_unit_state', { name, state: s, type });
  assert.equal(state('nginx.service', 'failed', 'forking'), 1);
  assert.equal(state('nginx.service', 'active', 'forking'), 0);
  assert.equal(state('docker.service', 'activating', 'notify'), 1);
  assert.equal(state('postgresql@15-main.service', 'deactivating', 'forking'), 1);
  assert.equal(state('systemd-timesyncd.service', 'inactive', 'notify'), 1);
  assert.equal(state('cron.service', 'active', 'simple'), 1);
  const names = new Set(out.families.get('node_systemd_unit_state')!.samples.map((s) => s.labels['name']));
  // apparmor is not in the default include list, smbd is not loaded, the socket and timer are not services.
  assert.deepEqual([...names].sort(), [
    'cron.service',
    'docker.service',
    'nginx.service',
    'postgresql@15-main.service',
    'ssh.service',
    'systemd-journald.service',
    'systemd-timesyncd.service',
  ]);
  assert.equal(out.families.get('node_systemd_unit_state')!.samples.length, 7 * 5);
  // The summary counts every unit listed, loaded or not, included or not.
  assert.equal(valueOf(out, 'node_systemd_units', { state: 'active' }), 12);
  assert.equal(valueOf(out, 'node_systemd_units', { state: 'failed' }), 1);
  assert.equal(valueOf(out, 'node_systemd_units', { state: 'inactive' }), 2);
  assert.equal(valueOf(out, 'node_systemd_units', { state: 'activating' }), 1);
  assert.equal(valueOf(out, 'node_systemd_units', { state: 'deactivating' }), 1);
  assert.equal(valueOf(out, 'node_systemd_system_running'), 0);
  assert.equal(valueOf(out, 'node_systemd_version', { version: '252.39-1~deb12u2' }), 252.39);
  // Types are asked only for the included services, in one run.
  const show = calls.find((a) => a.includes('--property=Id,Type'))!;
  assert.deepEqual(show.slice(show.indexOf('--') + 1), [...names]);
});

test('systemd collector: include and exclude are whole-name regexes; units without a Type get type=""', async (t) => {
  const c = systemdCollector(
    { unitInclude: '.+', unitExclude: '.+\\.(service|device|mount|slice|scope)' },
    await bootedDir(t),
    recorded([]),
  );
  const out = new MetricSet();
  await c.collect(out);
  const names = new Set(out.families.get('node_systemd_unit_state')!.samples.map((s) => s.labels['name']));
  assert.deepEqual([...names].sort(), ['apt-daily.timer', 'docker.socket', 'multi-user.target']);
  assert.equal(
    valueOf(out, 'node_systemd_unit_state', { name: 'docker.socket', state: 'active', type: '' }),
    1,
  );
});

test('where systemd is not the init system the collector runs nothing: no series, or a clear failure when required', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-systemd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const calls: string[][] = [];
  const quiet = new MetricSet();
  await systemdCollector({}, dir, recorded(calls)).collect(quiet);
  assert.equal(quiet.families.size, 0);
  const c = systemdCollector({ required: true }, dir, recorded(calls));
  await assert.rejects(
    c.collect(new MetricSet()),
    /systemd is not the init system here \(no .*systemd\/system\)/,
  );
  assert.equal(calls.length, 0);
});

test('execSystemctl runs the program in the C locale and reports its error line; abort stops it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-systemctl-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const ok = join(dir, 'ok');
  await writeFile(ok, '#!/bin/sh\necho "LC_ALL=$LC_ALL args=$*"\n');
  const down = join(dir, 'down');
  await writeFile(
    down,
    '#!/bin/sh\necho "System has not been booted with systemd as init system (PID 1). Can\'t operate." >&2\nexit 1\n',
  );
  const hang = join(dir, 'hang');
  await writeFile(hang, '#!/bin/sh\nexec sleep 30\n');
  await Promise.all([ok, down, hang].map((f) => chmod(f, 0o755)));
  assert.equal(await execSystemctl(ok)(['show', '--no-pager']), 'LC_ALL=C args=show --no-pager\n');
  await assert.rejects(execSystemctl(down)(['list-units']), /down list-units: System has not been booted/);
  const ctl = new AbortController();
  const running = execSystemctl(hang)(['list-units'], ctl.signal);
  ctl.abort();
  await assert.rejects(running, /hang list-units/);
});
