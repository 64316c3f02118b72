import { parseArgs as parseAgentArgs } from '../args';

/** InstallPlatform is the OS whose service manager the install targets. */
export type InstallPlatform = 'linux' | 'darwin' | 'win32';

/** InstallArgs are `vigie-agent install|uninstall`'s options; `agentArgs` are passed on to the service. */
export interface InstallArgs {
  action: 'install' | 'uninstall';
  dryRun: boolean;
  /** root writes under this folder instead of / and runs no service command (packaging, tests). */
  root?: string;
  platform: InstallPlatform;
  /** purge (uninstall) also deletes the agent's state: its identity and pairing. */
  purge: boolean;
  /** enrollmentTokenFile is handed to the service as a systemd credential, readable only by it. */
  enrollmentTokenFile?: string;
  /** agentArgs are the agent's own flags for the service's command line (already validated). */
  agentArgs: string[];
  help: boolean;
}

/** INSTALL_USAGE is the help of the install and uninstall subcommands. */
export const INSTALL_USAGE = `Usage: vigie-agent install [--dry-run] [--root DIR] [--platform OS] [agent flags]
       vigie-agent uninstall [--dry-run] [--root DIR] [--platform OS] [--purge]

install runs the agent at boot as an unprivileged service:
  Linux    writes /etc/systemd/system/vigie-agent.service (systemd DynamicUser, hardened) and a copy of the
           agent in /usr/local/lib/vigie-agent, then runs systemctl daemon-reload and enable --now (as root)
  macOS    prints the launchd plist and the commands to load it
  Windows  prints the scheduled-task command that starts it at boot as LocalService

  --dry-run        print what would be written and run; change nothing
  --root DIR       write the files under DIR instead of / and run no systemctl (packaging, tests)
  --platform OS    linux, darwin or win32 (default: this machine's)
  --purge          (uninstall) also delete the agent's identity and pairing in /var/lib/vigie-agent
  agent flags      --listen, --no-mdns, --enrollment-token-file, --mdns-interface and the settings of
                   vigie-agent --help, written into the service's command line
`;

const PLATFORMS: readonly string[] = ['linux', 'darwin', 'win32'];

/** parseInstallArgs reads `install|uninstall …`; the agent flags are checked by the agent's own parser. */
export function parseInstallArgs(
  argv: readonly string[],
  currentPlatform: string = process.platform,
): InstallArgs {
  const [action, ...rest] = argv;
  if (action !== 'install' && action !== 'uninstall')
    throw new Error(`expected install or uninstall, got ${JSON.stringify(action)}`);
  const out: InstallArgs = {
    action,
    dryRun: false,
    platform: (PLATFORMS.includes(currentPlatform) ? currentPlatform : 'linux') as InstallPlatform,
    purge: false,
    agentArgs: [],
    help: false,
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = rest[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--dry-run') out.dryRun = true;
    else if (flag === '--help' || flag === '-h') out.help = true;
    else if (flag === '--purge' && action === 'uninstall') out.purge = true;
    else if (flag === '--root') out.root = value();
    else if (flag === '--platform') {
      const p = value();
      if (!PLATFORMS.includes(p))
        throw new Error(`--platform ${JSON.stringify(p)}: expected linux, darwin or win32`);
      out.platform = p as InstallPlatform;
    } else if (flag === '--enrollment-token-file' && action === 'install') out.enrollmentTokenFile = value();
    else if (flag === '--state-dir' || flag === '--unpair')
      throw new Error(
        `${flag} is not an install option: the service keeps its state in /var/lib/vigie-agent`,
      );
    else if (action === 'install') {
      out.agentArgs.push(a);
      // A flag that takes a separate value brings it along; the agent's parser below says which do.
      if (
        inline === undefined &&
        rest[i + 1] !== undefined &&
        !rest[i + 1]!.startsWith('--') &&
        takesValue(a)
      )
        out.agentArgs.push(rest[++i]!);
    } else throw new Error(`unknown argument ${JSON.stringify(a)} for uninstall`);
  }
  parseAgentArgs(out.agentArgs); // throws naming the flag when one is wrong
  return out;
}

/** takesValue asks the agent's parser whether a flag consumes the next argument. */
function takesValue(flag: string): boolean {
  try {
    parseAgentArgs([flag]);
    return false;
  } catch (err) {
    return /needs a value/.test((err as Error).message);
  }
}
