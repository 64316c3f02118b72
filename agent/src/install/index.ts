import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyPlan, type ApplyOptions } from './apply';
import { INSTALL_USAGE, parseInstallArgs, type InstallArgs } from './args';
import { launchdCommands, launchdPlist } from './launchd';
import { describeStep, linuxInstallPlan, linuxUninstallPlan } from './linux-plan';
import { windowsCommands } from './windows';

/**
 * SERVICE_NODE_FLAGS are the V8 flags the service runs the agent under: agent/build.js's AGENT_NODE_FLAGS
 * (kept equal by a test; the agent's bundle cannot import the build script).
 */
export const SERVICE_NODE_FLAGS = [
  '--jitless',
  '--no-expose-wasm',
  '--max-semi-space-size=1',
  '--no-node-snapshot',
  '--optimize-for-size',
] as const;

/** InstallIo is the command's environment, injected by tests. */
export interface InstallIo {
  out(text: string): void;
  err(text: string): void;
  /** uid is the effective user id (undefined on Windows). */
  uid?: number;
  node: string;
  run?: ApplyOptions['run'];
  /** systemdRunning says whether systemd manages this machine (default: /run/systemd/system exists). */
  systemdRunning?: () => boolean;
}

/**
 * agentBundle is the one-file agent to install: this very file when running from the bundle, else the
 * bundle agent/build.js writes next to the sources.
 */
export function agentBundle(moduleUrl: string): string {
  const here = fileURLToPath(moduleUrl);
  if (here.endsWith('.js')) return here;
  const built = join(dirname(here), '..', 'dist', 'vigie-agent.js');
  return built;
}

/** runInstallCommand runs `vigie-agent install|uninstall …` and returns the exit code. */
export function runInstallCommand(argv: readonly string[], moduleUrl: string, io: InstallIo): number {
  let args: InstallArgs;
  try {
    args = parseInstallArgs(argv);
  } catch (err) {
    io.err(`vigie-agent: ${(err as Error).message}\n\n${INSTALL_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(INSTALL_USAGE);
    return 0;
  }
  const bundle = agentBundle(moduleUrl);
  const common = { node: io.node, nodeFlags: SERVICE_NODE_FLAGS, agentArgs: args.agentArgs, bundle };
  if (args.platform === 'darwin') {
    if (args.action === 'install')
      io.out(`# ${'/Library/LaunchDaemons/org.vigie.agent.plist'}\n${launchdPlist(common)}\n`);
    io.out(`# Run as an administrator:\n${launchdCommands(args.action, bundle).join('\n')}\n`);
    return 0;
  }
  if (args.platform === 'win32') {
    io.out(`REM Run in an elevated prompt:\n${windowsCommands(args.action, common).join('\n')}\n`);
    return 0;
  }
  const steps =
    args.action === 'install'
      ? linuxInstallPlan({ ...common, enrollmentTokenFile: args.enrollmentTokenFile })
      : linuxUninstallPlan(args.purge);
  if (args.dryRun) {
    io.out(`# vigie-agent ${args.action} --dry-run: nothing is changed; this would run:\n`);
    for (const s of steps) io.out(`${describeStep(s)}\n`);
    return 0;
  }
  const root = args.root ?? '/';
  if (root === '/' && io.uid !== 0) {
    io.err(
      `vigie-agent ${args.action}: needs root (sudo vigie-agent ${args.action}), or --dry-run to see the changes\n`,
    );
    return 1;
  }
  const systemd = io.systemdRunning ?? (() => existsSync('/run/systemd/system'));
  if (root === '/' && !systemd()) {
    io.err(
      `vigie-agent ${args.action}: systemd is not running on this machine (no /run/systemd/system); nothing was ` +
        `changed. Use --root DIR to stage the files, or --dry-run to see them\n`,
    );
    return 1;
  }
  if (args.action === 'install' && !existsSync(bundle)) {
    io.err(`vigie-agent install: no agent bundle at ${bundle}; build it first (node agent/build.js)\n`);
    return 1;
  }
  if (args.enrollmentTokenFile !== undefined && !existsSync(args.enrollmentTokenFile)) {
    io.err(`vigie-agent install: --enrollment-token-file ${args.enrollmentTokenFile}: no such file\n`);
    return 1;
  }
  try {
    applyPlan(steps, { root, runCommands: root === '/', run: io.run, log: (l) => io.out(`${l}\n`) });
  } catch (err) {
    io.err(`vigie-agent ${args.action}: ${(err as Error).message}\n`);
    return 1;
  }
  io.out(
    args.action === 'install'
      ? `vigie-agent installed: systemctl status vigie-agent shows it; it serves http://<this machine>:9740/metrics\n`
      : `vigie-agent uninstalled${args.purge ? ' (its identity and pairing deleted)' : ' (its identity is kept in /var/lib/vigie-agent; --purge deletes it)'}\n`,
  );
  return 0;
}
