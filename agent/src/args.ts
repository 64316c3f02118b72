import type { AgentServerOptions } from './server';
import { parseListen } from './listen';

/** USAGE is the agent's --help text. */
export const USAGE = `Usage: vigie-agent [--listen HOST:PORT] [--no-mdns] [--help] [settings]
       vigie-agent install|uninstall [--dry-run] …   run it as a service at boot (install --help)

Serves this machine's metrics at /metrics in the Prometheus text format, with node_exporter's names.

  --listen HOST:PORT                    address to listen on (default 0.0.0.0:9740; [::]:9740 for IPv6)
  --no-mdns                             do not advertise the agent on the LAN by mDNS; it then serves
                                        /metrics to anyone, like node_exporter (no pairing: keep it on
                                        loopback or behind a firewall)
  --help                                show this help

Pairing (with mDNS; see docs/security.md):
  --state-dir DIR                       keeps the agent's id, key (0600) and the adopting app's key
                                        (default /var/lib/vigie-agent as root, else ~/.local/state/vigie-agent)
  --enrollment-token-file FILE          token shared with the app: it adopts the agent without a click
  --mdns-interface IF                   announce on this interface (name or IPv4; repeatable; default all)
  --unpair                              forget the app that adopted this agent, then exit

Settings (defaults are node_exporter 1.5's):
  --max-requests N                      concurrent scrapes served at once, more get 503 (default 40)
  --filesystem.mount-points-exclude RE  mount points not reported
  --filesystem.fs-types-exclude RE      filesystem types not reported
  --filesystem.statfs-timeout MS        a mount whose statfs takes longer reports device_error (default 5000)
  --diskstats.device-exclude RE         block devices not reported
  --netdev.device-exclude RE            network devices not reported (default ^lo$)

Collectors (all on by default; each reports node_scrape_collector_success{collector=NAME}):
  --no-collector.NAME                   do not run collector NAME (cpu, diskstats, filesystem, hwmon, loadavg,
                                        meminfo, netdev, pressure, stat, systemd, time, uname, containers)
  --collector.timeout MS                a collector still running after MS reports success 0 (default 8000)
  --collector.systemd                   fail (success 0) where systemd is not the init system; by default
                                        such a machine just has no systemd series
  --collector.systemd.unit-include RE   units reported one by one in node_systemd_unit_state (default: the
                                        usual services: ssh, cron, docker, nginx, postgresql, ...; ".+" = all)
  --collector.systemd.unit-exclude RE   units not reported (default .+\\.(automount|device|mount|scope|slice|target))
  --collector.containers                fail (success 0) when no Docker/Podman engine answers
  --collector.containers.socket PATH    engine API socket (repeatable; default /var/run/docker.sock,
                                        /run/podman/podman.sock, $XDG_RUNTIME_DIR/{podman/podman,docker}.sock)
  --collector.containers.concurrency N  container stats asked at once (default 4)
`;

/** CliArgs is what the command line asked for. */
export interface CliArgs {
  server: AgentServerOptions;
  mdns: boolean;
  help: boolean;
  /** stateDir holds the pairing state; undefined takes defaultStateDir(). */
  stateDir?: string;
  enrollmentTokenFile?: string;
  mdnsInterfaces: string[];
  unpair: boolean;
}

/** parseArgs reads the agent's command line, throwing a message that names the offending argument. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const server: AgentServerOptions = {
    host: '0.0.0.0',
    port: 9740,
    filesystem: {},
    diskstats: {},
    netdev: {},
    systemd: {},
    containers: {},
  };
  const disabled: string[] = [];
  server.disabledCollectors = disabled;
  const args: CliArgs = { server, mdns: true, help: false, mdnsInterfaces: [], unpair: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (eq > 0 && flag !== a) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--no-mdns':
        args.mdns = false;
        break;
      case '--state-dir':
        args.stateDir = value();
        break;
      case '--enrollment-token-file':
        args.enrollmentTokenFile = value();
        break;
      case '--mdns-interface':
        args.mdnsInterfaces.push(value());
        break;
      case '--unpair':
        args.unpair = true;
        break;
      case '--listen':
        Object.assign(server, parseListen(value()));
        break;
      case '--max-requests':
        server.maxRequests = positiveInt(flag, value());
        break;
      case '--filesystem.mount-points-exclude':
        server.filesystem!.mountPointsExclude = regex(flag, value());
        break;
      case '--filesystem.fs-types-exclude':
        server.filesystem!.fsTypesExclude = regex(flag, value());
        break;
      case '--filesystem.statfs-timeout':
        server.filesystem!.statfsTimeoutMs = positiveInt(flag, value());
        break;
      case '--diskstats.device-exclude':
        server.diskstats!.deviceExclude = regex(flag, value());
        break;
      case '--netdev.device-exclude':
        server.netdev!.deviceExclude = regex(flag, value());
        break;
      case '--collector.timeout':
        server.collectorTimeoutMs = positiveInt(flag, value());
        break;
      case '--collector.systemd':
        server.systemd!.required = true;
        break;
      case '--collector.systemd.unit-include':
        server.systemd!.unitInclude = regex(flag, value());
        break;
      case '--collector.systemd.unit-exclude':
        server.systemd!.unitExclude = regex(flag, value());
        break;
      case '--collector.containers':
        server.containers!.required = true;
        break;
      case '--collector.containers.socket':
        (server.containers!.sockets as string[] | undefined) ??= [];
        (server.containers!.sockets as string[]).push(value());
        break;
      case '--collector.containers.concurrency':
        server.containers!.concurrency = positiveInt(flag, value());
        break;
      default:
        if (a.startsWith('--no-collector.') && a.length > '--no-collector.'.length) {
          disabled.push(a.slice('--no-collector.'.length));
          break;
        }
        throw new Error(`unknown argument ${JSON.stringify(a)}`);
    }
  }
  return args;
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${flag} ${JSON.stringify(v)}: expected a positive integer`);
  return n;
}

function regex(flag: string, v: string): string {
  try {
    new RegExp(v);
  } catch (err) {
    throw new Error(
      `${flag} ${JSON.stringify(v)}: not a valid regular expression (${(err as Error).message})`,
      {
        cause: err,
      },
    );
  }
  return v;
}
