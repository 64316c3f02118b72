/** SYSTEMD_UNIT_NAME is the agent's service on Linux. */
export const SYSTEMD_UNIT_NAME = 'vigie-agent.service';
/** Linux install locations (under --root when given). */
export const LINUX_PATHS = {
  unit: `/etc/systemd/system/${SYSTEMD_UNIT_NAME}`,
  libDir: '/usr/local/lib/vigie-agent',
  script: '/usr/local/lib/vigie-agent/vigie-agent.js',
  tokenDir: '/etc/vigie-agent',
  token: '/etc/vigie-agent/enrollment-token',
  stateDir: '/var/lib/vigie-agent',
} as const;

/** UnitSettings are what varies between installs. */
export interface UnitSettings {
  /** node is the absolute path of the Node binary the service runs. */
  node: string;
  nodeFlags: readonly string[];
  agentArgs: readonly string[];
  /** withToken hands the enrollment token in as a systemd credential. */
  withToken: boolean;
}

/** quoteArg quotes one ExecStart word the way systemd parses it (double quotes, backslash escapes; % doubled). */
export function quoteArg(a: string): string {
  const escaped = a.replace(/%/g, '%%');
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a)
    ? escaped
    : `"${escaped.replace(/(["\\])/g, '\\$1').replace(/\$/g, '$$$$')}"`;
}

/**
 * systemdUnit is the agent's service: a DynamicUser (an unprivileged user systemd creates, no account to
 * manage) with its state in /var/lib/vigie-agent, sandboxed read-only on the system, restarted on failure.
 * The enrollment token, when given, arrives as a credential only the service can read.
 */
export function systemdUnit(s: UnitSettings): string {
  const exec = [
    s.node,
    ...s.nodeFlags,
    LINUX_PATHS.script,
    '--state-dir',
    LINUX_PATHS.stateDir,
    ...(s.withToken ? ['--enrollment-token-file', '${CREDENTIALS_DIRECTORY}/enrollment-token'] : []),
    ...s.agentArgs,
  ];
  const execLine = exec.map((a) => (a.startsWith('${') ? a : quoteArg(a))).join(' ');
  return `# ${SYSTEMD_UNIT_NAME}: written by \`vigie-agent install\`; \`vigie-agent uninstall\` removes it.
[Unit]
Description=Vigie agent: this machine's metrics for Vigie (Prometheus format)
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
ExecStart=${execLine}
${s.withToken ? `LoadCredential=enrollment-token:${LINUX_PATHS.token}\n` : ''}DynamicUser=yes
User=vigie-agent
StateDirectory=vigie-agent
StateDirectoryMode=0700
Restart=on-failure
RestartSec=5s
NoNewPrivileges=yes
CapabilityBoundingSet=
ProtectSystem=strict
ProtectHome=read-only
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
ProtectClock=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
LockPersonality=yes
SystemCallArchitectures=native
MemoryMax=128M

[Install]
WantedBy=multi-user.target
`;
}
