/** LAUNCHD_LABEL names the agent's launchd job; the plist lives in /Library/LaunchDaemons. */
export const LAUNCHD_LABEL = 'org.vigie.agent';
export const MAC_PATHS = {
  plist: `/Library/LaunchDaemons/${LAUNCHD_LABEL}.plist`,
  script: '/usr/local/lib/vigie-agent/vigie-agent.js',
  stateDir: '/usr/local/var/vigie-agent',
  log: '/usr/local/var/log/vigie-agent.log',
} as const;

/** xml escapes text for a plist string. */
function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * launchdPlist is the agent's launch daemon: started at boot, kept alive, run as the unprivileged
 * `nobody` user (the state folder is made theirs by the printed commands).
 */
export function launchdPlist(s: {
  node: string;
  nodeFlags: readonly string[];
  agentArgs: readonly string[];
}): string {
  const args = [s.node, ...s.nodeFlags, MAC_PATHS.script, '--state-dir', MAC_PATHS.stateDir, ...s.agentArgs];
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${args.map((a) => `    <string>${xml(a)}</string>`).join('\n')}
  </array>
  <key>UserName</key>
  <string>nobody</string>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <true/>
  <key>StandardErrorPath</key>
  <string>${MAC_PATHS.log}</string>
</dict>
</plist>
`;
}

/** launchdCommands are what an administrator runs to install (or remove) the daemon. */
export function launchdCommands(action: 'install' | 'uninstall', bundle: string): string[] {
  if (action === 'uninstall')
    return [
      `sudo launchctl bootout system/${LAUNCHD_LABEL}`,
      `sudo rm -f ${MAC_PATHS.plist} ${MAC_PATHS.script}`,
    ];
  return [
    `sudo mkdir -p /usr/local/lib/vigie-agent ${MAC_PATHS.stateDir} /usr/local/var/log`,
    `sudo cp ${bundle} ${MAC_PATHS.script}`,
    `sudo chown nobody ${MAC_PATHS.stateDir} && sudo chmod 700 ${MAC_PATHS.stateDir}`,
    `sudo tee ${MAC_PATHS.plist} < vigie-agent.plist  # the plist above`,
    `sudo launchctl bootstrap system ${MAC_PATHS.plist}`,
  ];
}
