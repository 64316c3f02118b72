// agent/src/cli.ts: the `vigie-agent` command (bundled into agent/dist/vigie-agent.js by agent/build.js).
import { parseArgs, USAGE, type CliArgs } from './args';
import { startAgentServer } from './server';

/** main runs the agent until SIGINT/SIGTERM, then closes the server and exits 0. */
async function main(): Promise<void> {
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
  const lastErrors = new Map<string, string>();
  let agent;
  try {
    agent = await startAgentServer({
      ...args.server,
      onCollectorError: (run) => {
        // Log a failing collector when its error changes, not on every scrape of a lasting condition.
        const message = (run.error as Error)?.message ?? String(run.error);
        if (lastErrors.get(run.name) === message) return;
        lastErrors.set(run.name, message);
        process.stderr.write(`vigie-agent: collector ${run.name} failed: ${message}\n`);
      },
    });
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
  // mDNS advertising arrives with the next issue; --no-mdns is accepted now so scripts can pass it already.
  process.stdout.write(`vigie-agent listening on ${agent.url}metrics\n`);
}

await main();
