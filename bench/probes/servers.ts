// bench/probes/servers.ts: the HTTP servers the probe benchmark checks, in their own process so the
// benchmark's CPU figure is the prober's alone. Prints one JSON line of ports; stops on SIGTERM.
//   node --import tsx bench/probes/servers.ts <count>
import { startProbeServers } from '../../test/support/probe-servers';

const count = Number(process.argv[2] ?? 4);
const servers = await Promise.all(Array.from({ length: count }, () => startProbeServers('127.0.0.1')));
process.stdout.write(`${JSON.stringify({ ports: servers.map((s) => s.httpPort) })}\n`);
process.on('SIGTERM', () => void Promise.all(servers.map((s) => s.close())).then(() => process.exit(0)));
