import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInstallArgs } from './args';

test('install flags are read and agent flags are passed on, values included', () => {
  const a = parseInstallArgs(
    [
      'install',
      '--dry-run',
      '--listen',
      '0.0.0.0:9740',
      '--no-mdns',
      '--netdev.device-exclude=^lo$',
      '--enrollment-token-file',
      '/t',
    ],
    'linux',
  );
  assert.equal(a.action, 'install');
  assert.equal(a.dryRun, true);
  assert.equal(a.platform, 'linux');
  assert.equal(a.enrollmentTokenFile, '/t');
  assert.deepEqual(a.agentArgs, ['--listen', '0.0.0.0:9740', '--no-mdns', '--netdev.device-exclude=^lo$']);
});

test('bad agent flags are refused at install time, naming the flag', () => {
  assert.throws(() => parseInstallArgs(['install', '--listen', 'nope'], 'linux'), /listen|HOST:PORT/);
  assert.throws(() => parseInstallArgs(['install', '--bogus'], 'linux'), /unknown argument "--bogus"/);
  assert.throws(() => parseInstallArgs(['install', '--state-dir', '/x'], 'linux'), /not an install option/);
  assert.throws(
    () => parseInstallArgs(['install', '--platform', 'beos'], 'linux'),
    /expected linux, darwin or win32/,
  );
  assert.throws(() => parseInstallArgs(['uninstall', '--listen', ':1'], 'linux'), /for uninstall/);
  assert.throws(() => parseInstallArgs(['install', '--root'], 'linux'), /--root needs a value/);
});

test('the platform defaults to this machine and --purge belongs to uninstall', () => {
  assert.equal(parseInstallArgs(['uninstall'], 'darwin').platform, 'darwin');
  assert.equal(parseInstallArgs(['uninstall', '--purge'], 'linux').purge, true);
  assert.throws(() => parseInstallArgs(['install', '--purge'], 'linux'), /unknown argument "--purge"/);
});
