import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInstallCommand } from './index';

/** capture runs the command with a fake environment and collects its output. */
function capture(argv: string[], env: { uid?: number; systemd?: boolean } = {}) {
  let out = '';
  let err = '';
  const ran: string[] = [];
  const code = runInstallCommand(argv, 'file:///opt/vigie/vigie-agent.js', {
    out: (t) => (out += t),
    err: (t) => (err += t),
    uid: env.uid,
    node: '/usr/bin/node',
    run: (a) => (ran.push(a.join(' ')), { status: 0, stderr: '' }),
    systemdRunning: () => env.systemd ?? true,
  });
  return { code, out, err, ran };
}

test('--dry-run prints the unit and the commands and changes nothing', () => {
  const r = capture(['install', '--dry-run', '--platform', 'linux', '--no-mdns'], { uid: 0 });
  assert.equal(r.code, 0);
  assert.match(r.out, /nothing is changed/);
  assert.match(
    r.out,
    /install -m 755 \/opt\/vigie\/vigie-agent\.js \/usr\/local\/lib\/vigie-agent\/vigie-agent\.js/,
  );
  assert.match(r.out, /^ExecStart=\/usr\/bin\/node .* --no-mdns$/m);
  assert.match(r.out, /^systemctl enable --now vigie-agent\.service$/m);
  assert.deepEqual(r.ran, []);
});

test('a real install needs root and systemd, and says so without changing anything', () => {
  const user = capture(['install', '--platform', 'linux'], { uid: 1000 });
  assert.equal(user.code, 1);
  assert.match(user.err, /needs root \(sudo vigie-agent install\)/);
  const noSystemd = capture(['uninstall', '--platform', 'linux'], { uid: 0, systemd: false });
  assert.equal(noSystemd.code, 1);
  assert.match(noSystemd.err, /systemd is not running .* nothing was changed/);
  assert.deepEqual([...user.ran, ...noSystemd.ran], []);
});

test('macOS prints a launchd plist running as nobody; Windows a boot task as LocalService', () => {
  const mac = capture(['install', '--platform', 'darwin', '--listen', '0.0.0.0:9740']);
  assert.equal(mac.code, 0);
  assert.match(mac.out, /<key>UserName<\/key>\s*<string>nobody<\/string>/);
  assert.match(mac.out, /<string>--listen<\/string>\s*<string>0\.0\.0\.0:9740<\/string>/);
  assert.match(mac.out, /launchctl bootstrap system \/Library\/LaunchDaemons\/org\.vigie\.agent\.plist/);
  const macOff = capture(['uninstall', '--platform', 'darwin']);
  assert.match(macOff.out, /launchctl bootout system\/org\.vigie\.agent/);
  const win = capture(['install', '--platform', 'win32']);
  assert.match(
    win.out,
    /schtasks \/Create \/TN "Vigie Agent" \/SC ONSTART \/RU "NT AUTHORITY\\LOCALSERVICE"/,
  );
  const winOff = capture(['uninstall', '--platform', 'win32']);
  assert.match(winOff.out, /schtasks \/Delete \/TN "Vigie Agent" \/F/);
});

test('usage errors exit 2 with the install help', () => {
  const r = capture(['install', '--listen', 'x']);
  assert.equal(r.code, 2);
  assert.match(r.err, /Usage: vigie-agent install/);
});
