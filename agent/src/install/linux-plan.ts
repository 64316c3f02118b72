import { LINUX_PATHS, SYSTEMD_UNIT_NAME, systemdUnit } from './systemd';

/** PlanStep is one change of an install or uninstall, printed by --dry-run and applied otherwise. */
export type PlanStep =
  | { kind: 'mkdir'; path: string; mode: number }
  | { kind: 'write'; path: string; content: string; mode: number }
  | { kind: 'copy'; from: string; path: string; mode: number }
  | { kind: 'remove'; path: string }
  | {
      kind: 'run';
      argv: string[];
      /** tolerate: a failure is reported, not fatal (stopping what is not running). */ tolerate?: boolean;
    };

/** LinuxInstallSettings are what the Linux install needs to know about this machine. */
export interface LinuxInstallSettings {
  node: string;
  nodeFlags: readonly string[];
  /** bundle is the one-file agent the service runs (copied next to the unit). */
  bundle: string;
  agentArgs: readonly string[];
  enrollmentTokenFile?: string;
}

const SYSTEMCTL = '/usr/bin/env';

/** linuxInstallPlan copies the agent, writes the unit (and the token credential), then enables the service. */
export function linuxInstallPlan(s: LinuxInstallSettings): PlanStep[] {
  const withToken = s.enrollmentTokenFile !== undefined;
  return [
    { kind: 'mkdir', path: LINUX_PATHS.libDir, mode: 0o755 },
    { kind: 'copy', from: s.bundle, path: LINUX_PATHS.script, mode: 0o755 },
    ...(withToken
      ? ([
          { kind: 'mkdir', path: LINUX_PATHS.tokenDir, mode: 0o700 },
          { kind: 'copy', from: s.enrollmentTokenFile!, path: LINUX_PATHS.token, mode: 0o600 },
        ] as PlanStep[])
      : []),
    { kind: 'mkdir', path: '/etc/systemd/system', mode: 0o755 },
    {
      kind: 'write',
      path: LINUX_PATHS.unit,
      content: systemdUnit({ node: s.node, nodeFlags: s.nodeFlags, agentArgs: s.agentArgs, withToken }),
      mode: 0o644,
    },
    { kind: 'run', argv: [SYSTEMCTL, 'systemctl', 'daemon-reload'] },
    { kind: 'run', argv: [SYSTEMCTL, 'systemctl', 'enable', '--now', SYSTEMD_UNIT_NAME] },
  ];
}

/** linuxUninstallPlan stops and disables the service and removes what install wrote; --purge also the state. */
export function linuxUninstallPlan(purge: boolean): PlanStep[] {
  return [
    { kind: 'run', argv: [SYSTEMCTL, 'systemctl', 'disable', '--now', SYSTEMD_UNIT_NAME], tolerate: true },
    { kind: 'remove', path: LINUX_PATHS.unit },
    { kind: 'remove', path: LINUX_PATHS.libDir },
    { kind: 'remove', path: LINUX_PATHS.tokenDir },
    ...(purge
      ? ([
          { kind: 'remove', path: LINUX_PATHS.stateDir },
          { kind: 'remove', path: '/var/lib/private/vigie-agent' },
        ] as PlanStep[])
      : []),
    { kind: 'run', argv: [SYSTEMCTL, 'systemctl', 'daemon-reload'] },
  ];
}

/** describeStep is the step as one line of --dry-run output (shell-like). */
export function describeStep(step: PlanStep): string {
  switch (step.kind) {
    case 'mkdir':
      return `mkdir -p -m ${step.mode.toString(8)} ${step.path}`;
    case 'write':
      return `write ${step.path} (mode ${step.mode.toString(8)}):\n${step.content}`;
    case 'copy':
      return `install -m ${step.mode.toString(8)} ${step.from} ${step.path}`;
    case 'remove':
      return `rm -rf ${step.path}`;
    case 'run':
      return step.argv.slice(1).join(' ');
  }
}
