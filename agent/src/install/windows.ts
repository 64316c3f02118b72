/** WINDOWS_TASK is the scheduled task that runs the agent. */
export const WINDOWS_TASK = 'Vigie Agent';
export const WINDOWS_PATHS = {
  script: 'C:\\ProgramData\\Vigie\\vigie-agent.js',
  stateDir: 'C:\\ProgramData\\Vigie\\agent-state',
} as const;

/** winQuote quotes one argument for a Windows command line. */
function winQuote(a: string): string {
  return /[\s"]/.test(a) ? `"${a.replace(/"/g, '\\"')}"` : a;
}

/**
 * windowsCommands are the commands (elevated prompt) that run the agent at boot as the unprivileged
 * LocalService account. A scheduled task, not a Windows service: Node is not a service binary (it would
 * not answer the service manager), and a boot task needs no wrapper.
 */
export function windowsCommands(
  action: 'install' | 'uninstall',
  s: { node: string; nodeFlags: readonly string[]; agentArgs: readonly string[]; bundle: string },
): string[] {
  if (action === 'uninstall')
    return [
      `schtasks /End /TN "${WINDOWS_TASK}"`,
      `schtasks /Delete /TN "${WINDOWS_TASK}" /F`,
      `del ${WINDOWS_PATHS.script}`,
    ];
  const run = [
    s.node,
    ...s.nodeFlags,
    WINDOWS_PATHS.script,
    '--state-dir',
    WINDOWS_PATHS.stateDir,
    ...s.agentArgs,
  ]
    .map(winQuote)
    .join(' ');
  return [
    `mkdir ${WINDOWS_PATHS.stateDir}`,
    `copy ${winQuote(s.bundle)} ${WINDOWS_PATHS.script}`,
    `icacls ${WINDOWS_PATHS.stateDir} /grant "NT AUTHORITY\\LocalService:(OI)(CI)M"`,
    `schtasks /Create /TN "${WINDOWS_TASK}" /SC ONSTART /RU "NT AUTHORITY\\LOCALSERVICE" /RL LIMITED /F /TR "${run.replace(/"/g, '\\"')}"`,
    `schtasks /Run /TN "${WINDOWS_TASK}"`,
  ];
}
