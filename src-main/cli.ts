// First: V8 heap settings, before the imports below allocate (heap-flags.ts).
import './heap-flags-apply';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config/load';
import type { VigieConfig } from './config/api';
import { startAppliance, storageOptions, type Log, type LogLevel } from './appliance';
import {
  parseImportArgs,
  parseListen,
  parseServeArgs,
  UsageError,
  type ImportArgs,
  type ServeArgs,
} from './cli-args';
import { formatProgress, formatSummary, ImportError, importOpenMetrics } from './import/api';
import { openDuckDBStorage } from './storage/duckdb/index';
import { defaultDataDir } from './paths';
import { DEFAULT_HEAP_FLAGS } from './heap-flags';

const USAGE = `Usage: vigie <command> [flags]

Commands:
  serve     run the appliance headless: scrape, store, answer PromQL, serve the UI and API
  import    backfill an OpenMetrics file with timestamps into the data folder
  help      show this text

vigie serve [--data DIR] [--listen HOST:PORT] [--config FILE] [--no-mdns] [--mdns-interface IF]
            [--enrollment-token-file FILE] [--mdns-query-interval D] [--mdns-expire-after D]
            [--no-local-agent]
  --data DIR          data folder (default: the OS user-data folder, ${defaultDataDir()})
  --listen HOST:PORT  HTTP API and UI address (default 127.0.0.1:9742, loopback only)
  --config FILE       YAML configuration: prometheus.yml's scrape_configs and Vigie's own sections
  --no-mdns           do not discover agents on the LAN by mDNS
  --mdns-interface IF browse mDNS on this interface (name or IPv4; repeatable; default: all)
  --enrollment-token-file FILE
                      adopt agents started with the token in FILE without asking (see docs/security.md)
  --mdns-query-interval DURATION
                      how often to ask the LAN for agents again (default 10s)
  --mdns-expire-after DURATION
                      an agent silent this long is marked down, "record expired" (default 35s)
  --no-local-agent    do not monitor the machine Vigie runs on

vigie import [--data DIR] [--config FILE] [--batch-mb N] FILE
  FILE                OpenMetrics text whose every sample has a timestamp (the input of
                      promtool tsdb create-blocks-from openmetrics); refused while vigie serve uses DIR
  --data DIR          data folder (default: as vigie serve)
  --config FILE       the configuration vigie serve uses (storage path and retention)
  --batch-mb N        megabytes of the file read and committed at once (default 4); a bad line
                      drops its own batch, batches before it stay stored

Environment:
  VIGIE_V8_FLAGS      V8 heap flags set at start, space-separated ("none": none); default, for a small
                      resident memory: ${DEFAULT_HEAP_FLAGS.join(' ')}
                      A flag also given to node itself (command line, NODE_OPTIONS) is left to node.
`;

const LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** consoleLog prints log lines at or above VIGIE_LOG_LEVEL (default info) to stderr, keeping stdout for URLs. */
function consoleLog(): Log {
  const min = LEVELS[(process.env.VIGIE_LOG_LEVEL as LogLevel) ?? 'info'] ?? LEVELS.info;
  return (level, message) => {
    if (LEVELS[level] >= min) process.stderr.write(`${new Date().toISOString()} ${level} ${message}\n`);
  };
}

/**
 * readTokenFile reads the enrollment token (first line, trimmed); an empty or unreadable file is an error
 * naming where the path came from (`where`: the flag or the config key).
 */
function readTokenFile(path: string | undefined, where: string): string | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${where} ${path}: ${(e as Error).message}`);
  }
  const token = text.split('\n')[0]!.trim();
  if (token.length < 16) throw new UsageError(`${where} ${path}: the token must be at least 16 characters`);
  return token;
}

/** serve runs the appliance until SIGINT/SIGTERM, then stops it cleanly (a second signal forces the exit). */
async function serve(args: ServeArgs): Promise<void> {
  const log = consoleLog();
  // The flags apply over the file at start and again at every reload.
  const load = async (file?: string): Promise<VigieConfig> => {
    const c = await loadConfig(file);
    c.discovery.mdns.enabled &&= args.mdns;
    if (args.mdnsInterfaces !== undefined) c.discovery.mdns.interfaces = args.mdnsInterfaces;
    return c;
  };
  const config = await load(args.config);
  const dataDir = resolve(args.data ?? config.storage.path ?? defaultDataDir());
  const listen = args.listen ?? parseListen(config.web.listen, 'web.listen');
  const enrollmentToken =
    args.enrollmentTokenFile !== undefined
      ? readTokenFile(args.enrollmentTokenFile, '--enrollment-token-file')
      : readTokenFile(config.discovery.enrollment_token_file, 'discovery.enrollment_token_file:');
  const appliance = await startAppliance({
    config,
    ...(args.config !== undefined ? { configFile: args.config } : {}),
    loadConfig: load,
    dataDir,
    listen,
    localAgent: args.localAgent && config.local_agent.enabled,
    enrollmentToken,
    mdns: { queryIntervalMs: args.mdnsQueryIntervalMs, maxSilenceMs: args.mdnsExpireAfterMs },
    log,
  });
  process.stdout.write(`Vigie is running at ${appliance.url}/ (data in ${dataDir})\n`);
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) process.exit(130);
      stopping = true;
      log('info', `${signal}: stopping, flushing data`);
      appliance.stop().then(done, (e: unknown) => {
        log('error', `while stopping: ${e}`);
        process.exitCode = 1;
        done();
      });
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

/**
 * importFile runs `vigie import`: progress on stderr (rewritten in place on a terminal), the summary on
 * stdout, a bad line as `FILE:LINE:COL: reason` with what stayed stored. SIGINT stops between batches.
 */
async function importFile(args: ImportArgs): Promise<number> {
  const config = await loadConfig(args.config);
  const dataDir = resolve(args.data ?? config.storage.path ?? defaultDataDir());
  const storage = await openDuckDBStorage(storageOptions(dataDir, config.storage));
  const tty = process.stderr.isTTY === true;
  const aborter = new AbortController();
  const onSignal = (): void =>
    aborter.abort(new Error('interrupted; the batches committed so far stay stored'));
  process.once('SIGINT', onSignal);
  try {
    const done = await importOpenMetrics({
      file: args.file,
      storage,
      batchBytes: args.batchBytes,
      signal: aborter.signal,
      progressIntervalMs: tty ? 500 : 5000,
      onProgress: (p) =>
        process.stderr.write(tty ? `\r\x1b[K${formatProgress(p)}` : `${formatProgress(p)}\n`),
    });
    if (tty) process.stderr.write('\r\x1b[K');
    process.stdout.write(`${formatSummary(args.file, done)} into ${dataDir}\n`);
    const cutoff = storage.maxTime - storage.options.retentionMs;
    if (done.minTime < cutoff)
      process.stderr.write(
        `vigie import: warning: samples before ${new Date(cutoff).toISOString()} are older than the retention ` +
          `(${storage.options.retentionMs / 86_400_000} d back from the newest sample) and were dropped; ` +
          `raise storage.retention in the configuration to keep them\n`,
      );
    return 0;
  } catch (err) {
    if (tty) process.stderr.write('\n');
    if (!(err instanceof ImportError)) throw err;
    process.stderr.write(
      `${err.message}\nvigie import: stopped; ${err.stored.samples.toLocaleString('en-US')} samples ` +
        `of the first ${err.stored.lines.toLocaleString('en-US')} lines were stored and stay in ${dataDir}, ` +
        `nothing from line ${err.stored.lines + 1} on\n`,
    );
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    await storage.close();
  }
}

/** main dispatches a command line; errors print as one clear message with an exit code, never a stack. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    if (command === 'serve') await serve(parseServeArgs(rest));
    else if (command === 'import') return await importFile(parseImportArgs(rest));
    else throw new UsageError(`unknown command "${command}"`);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`vigie: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`vigie: invalid configuration\n${err.message}\n`);
      return 2;
    }
    process.stderr.write(`vigie: ${(err as Error).message}\n`);
    return 1;
  }
}

process.exit(await main(process.argv.slice(2)));
