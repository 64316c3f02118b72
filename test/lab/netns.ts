/**
 * The test LAN: a LAN built on this machine out of network namespaces. A dedicated "switch" namespace holds
 * a bridge (never the root namespace's), and every member — the hub and N hosts — is a namespace with `lo`
 * and one veth `eth0` plugged into that bridge, an address of its own in 10.x and a multicast route on
 * eth0 only. Nothing is routed out: the namespaces have no default route and no link to the host's
 * interfaces, so no packet (mDNS included) can leave them. Every run uses a unique name prefix; teardown
 * kills what runs inside and deletes the namespaces, also when the test fails or the process exits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { REPO } from '../support/process';

/** LabHost is one namespace of the lab: its name and address. */
export interface LabHost {
  readonly ns: string;
  ip: string;
}

/** LabProcess is a program running inside a lab namespace. */
export interface LabProcess {
  readonly proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** waitFor resolves with the first match of re in stdout (bounded by timeoutMs). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** stop signals the process (SIGTERM by default) and resolves with its exit code or signal. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  readonly exited: Promise<number | string>;
}

/** labSkipReason says why lab tests cannot run here (not root, no `ip`, no netns), or undefined when they can. */
export function labSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'lab tests need Linux network namespaces';
  if (process.getuid?.() !== 0) return 'lab tests need root (ip netns); run them as root, as CI does';
  const ip = spawnSync('ip', ['-V'], { encoding: 'utf8' });
  if (ip.error !== undefined) return '`ip` (iproute2) is not installed';
  const probe = `vgprobe${randomBytes(3).toString('hex')}`;
  const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  spawnSync('ip', ['netns', 'del', probe]);
  if (add.status !== 0) return `cannot create network namespaces here: ${add.stderr.trim()}`;
  return undefined;
}

/** run runs a command synchronously and throws with its stderr on failure. */
function run(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout;
}

const liveLabs = new Set<Lab>();
process.on('exit', () => {
  for (const lab of liveLabs) lab.teardownSync();
});

/**
 * Lab is one test LAN: `hub` (where `vigie serve` runs) and `hosts` (agents), all on 10.<subnet>.0.0/24.
 */
export class Lab {
  readonly prefix: string;
  readonly hub: LabHost;
  readonly hosts: LabHost[] = [];
  private readonly switchNs: string;
  private readonly procs = new Set<LabProcess>();
  private readonly subnet: number;
  private nextIp = 1;
  private down = false;

  /** create builds the LAN with n hosts (plus the hub). */
  static create(n: number): Lab {
    const lab = new Lab(n);
    return lab;
  }

  private constructor(n: number) {
    this.prefix = `vg${process.pid.toString(36)}${randomBytes(2).toString('hex')}`;
    this.subnet = 64 + (randomBytes(1)[0]! % 128);
    this.switchNs = `${this.prefix}-sw`;
    liveLabs.add(this);
    try {
      run('ip', ['netns', 'add', this.switchNs]);
      run('ip', ['-n', this.switchNs, 'link', 'set', 'lo', 'up']);
      // Snooping off: the bridge floods multicast to every port, like a plain switch.
      run('ip', ['-n', this.switchNs, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
      run('ip', ['-n', this.switchNs, 'link', 'set', 'br0', 'up']);
      this.hub = this.addHost('hub');
      for (let i = 1; i <= n; i++) this.hosts.push(this.addHost(`h${i}`));
    } catch (e) {
      this.teardownSync();
      throw e;
    }
  }

  /** addHost creates one more namespace plugged into the bridge. */
  addHost(name: string): LabHost {
    const ns = `${this.prefix}-${name}`;
    const port = `v${this.nextIp}`;
    const ip = this.freshIp();
    run('ip', ['netns', 'add', ns]);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    run('ip', [
      '-n',
      this.switchNs,
      'link',
      'add',
      port,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      ns,
    ]);
    run('ip', ['-n', this.switchNs, 'link', 'set', port, 'master', 'br0', 'up']);
    run('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
    run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up', 'multicast', 'on']);
    run('ip', ['-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0']);
    return { ns, ip };
  }

  /** freshIp hands out the next unused address of the lab's subnet. */
  freshIp(): string {
    this.nextIp++;
    if (this.nextIp > 254) throw new Error('lab subnet exhausted (253 addresses)');
    return `10.${this.subnet}.0.${this.nextIp}`;
  }

  /** changeIp moves a host to a new address (the old one is removed), as a DHCP renumbering would. */
  changeIp(host: LabHost): string {
    const ip = this.freshIp();
    // Delete first: removing a primary address also removes its secondaries (no promote_secondaries).
    run('ip', ['-n', host.ns, 'addr', 'del', `${host.ip}/24`, 'dev', 'eth0']);
    run('ip', ['-n', host.ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
    host.ip = ip;
    return ip;
  }

  /** exec runs a command inside a namespace and returns its stdout. */
  exec(host: LabHost, cmd: string, args: readonly string[]): string {
    return run('ip', ['netns', 'exec', host.ns, cmd, ...args]);
  }

  /** spawn runs a command inside a namespace; teardown stops it. */
  spawn(host: LabHost, cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): LabProcess {
    const proc = spawn('ip', ['netns', 'exec', host.ns, cmd, ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | string>((resolve) =>
      proc.on('exit', (code, sig) => resolve(code ?? sig ?? -1)),
    );
    const p: LabProcess = {
      proc,
      stdout: () => out,
      stderr: () => err,
      exited,
      waitFor: (re, timeoutMs = 20_000) =>
        new Promise((resolve, reject) => {
          const check = (): boolean => {
            const m = re.exec(out);
            if (m === null) return false;
            cleanup();
            resolve(m);
            return true;
          };
          const timer = setTimeout(() => {
            cleanup();
            reject(new Error(`no ${re} within ${timeoutMs} ms from ${cmd} in ${host.ns}; stderr: ${err}`));
          }, timeoutMs);
          const onData = (): void => void check();
          const cleanup = (): void => {
            clearTimeout(timer);
            proc.stdout!.off('data', onData);
          };
          proc.stdout!.on('data', onData);
          void exited.then((code) => {
            if (check()) return;
            cleanup();
            reject(new Error(`${cmd} in ${host.ns} exited (${code}) before ${re}; stderr: ${err}`));
          });
          check();
        }),
      stop: async (signal = 'SIGTERM', timeoutMs = 10_000) => {
        if (proc.exitCode === null && proc.signalCode === null) {
          proc.kill(signal);
          const t = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
          const code = await exited;
          clearTimeout(t);
          return code;
        }
        return exited;
      },
    };
    this.procs.add(p);
    return p;
  }

  /** node runs `node --import tsx <args>` inside a namespace (sources run through tsx, as the bins do). */
  node(host: LabHost, args: readonly string[], env: NodeJS.ProcessEnv = {}): LabProcess {
    return this.spawn(host, process.execPath, ['--import', 'tsx', ...args], env);
  }

  /** teardown stops every process started in the lab, then deletes its namespaces. */
  async teardown(): Promise<void> {
    await Promise.all([...this.procs].map((p) => p.stop('SIGTERM', 3000)));
    this.teardownSync();
  }

  /** teardownSync kills what still runs in the lab's namespaces and deletes them (safe to call twice). */
  teardownSync(): void {
    if (this.down) return;
    this.down = true;
    liveLabs.delete(this);
    for (const p of this.procs)
      if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
    const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .stdout.split('\n')
      .map((l) => l.split(' ')[0]!)
      .filter((n) => n.startsWith(`${this.prefix}-`));
    for (const ns of namespaces) {
      // Only this run's namespaces, whose every process this lab started (prefix is unique per run).
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean);
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      spawnSync('ip', ['netns', 'del', ns]);
    }
  }
}

/** hasProgram tells whether an executable exists (for tests that need avahi). */
export function hasProgram(path: string): boolean {
  return existsSync(path);
}
