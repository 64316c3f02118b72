// agent/src/cli.ts: the `vigie-agent` command (bundled into agent/dist/vigie-agent.js by agent/build.js).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { parseArgs, USAGE, type CliArgs } from './args';
import { runInstallCommand } from './install/index';
import { AgentPairing } from './pairing/pairing';
import { startPairedAgent } from './pairing/start';
import { startAgentServer, type AgentServer } from './server';

/** defaultStateDir is where the agent keeps its identity: a system folder as root, the user's otherwise. */
function defaultStateDir(): string {
  if (process.platform !== 'win32' && process.getuid?.() === 0) return '/var/lib/vigie-agent';
  return join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'vigie-agent');
}

/** readToken reads an enrollment token file (first line); too short or unreadable is an error. */
function readToken(path: string): string {
  const token = readFileSync(path, 'utf8').split('\n')[0]!.trim();
  if (token.length < 16)
    throw new Error(`--enrollment-token-file ${path}: the token must be at least 16 characters`);
  return token;
}

/** main runs the agent until SIGINT/SIGTERM, then closes the server and exits 0. */
async function main(): Promise<void> {
  const [command] = process.argv.slice(2);
  if (command === 'install' || command === 'uninstall') {
    const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) };
    process.exit(
      runInstallCommand(process.argv.slice(2), import.meta.url, {
        ...io,
        uid: process.getuid?.(),
        node: process.execPath,
      }),
    );
  }
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`vigie-agent: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const stateDir = args.stateDir ?? defaultStateDir();
  if (args.unpair) {
    new AgentPairing({ stateDir, version: pkg.version }).unpair();
    process.stdout.write(
      `vigie-agent: forgot the adopting app; the next app to adopt this agent pins itself\n`,
    );
    return;
  }
  const lastErrors = new Map<string, string>();
  let agent: Pick<AgentServer, 'url' | 'close'>;
  try {
    const opts = {
      ...args.server,
      onCollectorError: (run: Parameters<NonNullable<typeof args.server.onCollectorError>>[0]) => {
        // Log a failing collector when its error changes, not on every scrape of a lasting condition.
        const message = (run.error as Error)?.message ?? String(run.error);
        if (lastErrors.get(run.name) === message) return;
        lastErrors.set(run.name, message);
        process.stderr.write(`vigie-agent: collector ${run.name} failed: ${message}\n`);
      },
    };
    // With mDNS the agent is discovered and paired (docs/security.md); without, or when it listens on
    // loopback only (no one on the LAN can reach it, so nothing to announce), it is a plain exporter.
    const loopback = /^(127\.|::1$|localhost$)/.test(args.server.host);
    if (args.mdns && loopback)
      process.stdout.write('vigie-agent: listening on loopback only: not announced by mDNS, no pairing\n');
    agent =
      args.mdns && !loopback
        ? await startPairedAgent({
            ...opts,
            stateDir,
            version: pkg.version,
            enrollToken:
              args.enrollmentTokenFile === undefined ? undefined : readToken(args.enrollmentTokenFile),
            mdnsInterfaces: args.mdnsInterfaces,
          })
        : await startAgentServer(opts);
  } catch (err) {
    process.stderr.write(`vigie-agent: ${(err as Error).message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    agent.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`vigie-agent: error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Handlers first, then the URL: whoever waits for the line may signal us at once.
  process.stdout.write(`vigie-agent listening on ${agent.url}metrics\n`);
}

await main();
