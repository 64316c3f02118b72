// heap-flags.ts: V8 heap settings that keep the long-running core's resident memory small, applied from
// inside the process so that every way of starting it (bin/vigie.js, a bundle, Electron's main process)
// gets them without a launcher or a re-exec. Imported first by cli.ts and electron/main.ts, before the
// modules that allocate at load.
import { setFlagsFromString } from 'node:v8';

/**
 * DEFAULT_HEAP_FLAGS are the flags applied unless VIGIE_V8_FLAGS says otherwise. Both are read by V8 each
 * time it sizes a space, so setting them after start works (unlike --max-semi-space-size):
 * - --semi-space-growth-factor=1 keeps the young generation at its initial 1 MiB semi-spaces. Left to
 *   grow, they reach 16 MiB each (~32 MiB resident) under a scrape's short-lived garbage.
 * - --heap-growing-percent bounds how far the old generation may grow past what the last full GC kept
 *   before the next one starts, instead of V8's up-to-4x factor.
 * The growth factor set on node's command line is raised back to 2 by V8 when it sizes the heap at start;
 * set from here it holds. Figures (bench/memory/headless-50-hosts.ts --bundle, 50 hosts × 1000 series, one
 * run each on a loaded 2-core machine): V8 committed ~95-111 MB → ~60 MB, RSS median 240-266 MB → ~193-201
 * MB; CPU 11.4-13.1 → 12.7-15.7 CPU-s per million samples. --heap-growing-percent=30 instead: 211 MB,
 * 11.5 CPU-s per million samples.
 */
export const DEFAULT_HEAP_FLAGS: readonly string[] = [
  '--semi-space-growth-factor=1',
  '--heap-growing-percent=15',
];

/** FLAG_RE is one V8 flag as VIGIE_V8_FLAGS may list it: `--name` or `--name=value`. */
const FLAG_RE = /^--[a-z][a-z0-9-]*(=[A-Za-z0-9._-]+)?$/;

/** flagName is a flag's name without dashes, value or a `no-` prefix (`--no-foo` and `--foo=1` clash). */
function flagName(flag: string): string {
  return flag
    .replace(/^--(no-)?/, '')
    .replace(/=.*$/, '')
    .replaceAll('_', '-');
}

/**
 * heapFlags lists the flags to apply: VIGIE_V8_FLAGS's (space-separated; "none" or empty for none) or
 * the defaults, less any flag the process was already started with (node's command line or NODE_OPTIONS),
 * since a flag given by hand is the user's choice. A malformed entry is an error naming the variable.
 */
export function heapFlags(env: NodeJS.ProcessEnv, execArgv: readonly string[]): string[] {
  const raw = env.VIGIE_V8_FLAGS;
  let flags: readonly string[] = DEFAULT_HEAP_FLAGS;
  if (raw !== undefined) {
    flags = raw.trim() === '' || raw.trim() === 'none' ? [] : raw.trim().split(/\s+/);
    const bad = flags.find((f) => !FLAG_RE.test(f));
    if (bad !== undefined)
      throw new Error(
        `VIGIE_V8_FLAGS: ${JSON.stringify(bad)} is not a V8 flag (expected --name or --name=value)`,
      );
  }
  const given = new Set(
    [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].filter((a) => a.startsWith('--')).map(flagName),
  );
  return flags.filter((f) => !given.has(flagName(f)));
}

/** applyHeapFlags sets heapFlags(process) in this process's V8 and returns them. */
export function applyHeapFlags(): string[] {
  const flags = heapFlags(process.env, process.execArgv);
  for (const f of flags) setFlagsFromString(f);
  return flags;
}
