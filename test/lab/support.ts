/** Helpers for lab tests: talking HTTP inside a namespace, starting Vigie and agents in the lab. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab, LabHost, LabProcess } from './netns';
import { waitFor } from '../support/process';

/** HttpAnswer is a status and a parsed JSON body (or the text when not JSON). */
export interface HttpAnswer {
  status: number;
  body: unknown;
}

const CLIENT = `
const [url, method, body] = process.argv.slice(1);
fetch(url, { method, body: body || undefined, headers: body ? { 'content-type': 'application/json' } : {},
  signal: AbortSignal.timeout(5000) })
  .then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, text: await r.text() })))
  .catch((e) => { process.stderr.write(String(e)); process.exit(1); });
`;

/**
 * labHttp sends one request from inside a namespace (the lab is unreachable from the root namespace on
 * purpose) with a throwaway `node -e` client, and returns the answer.
 */
export function labHttp(host: LabHost, url: string, method = 'GET', body = ''): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const p = spawn('ip', ['netns', 'exec', host.ns, process.execPath, '-e', CLIENT, url, method, body], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${method} ${url} in ${host.ns}: ${err || `exit ${code}`}`));
      const r = JSON.parse(out) as { status: number; text: string };
      let parsed: unknown = r.text;
      try {
        parsed = JSON.parse(r.text);
      } catch {
        // not JSON: keep the text
      }
      resolve({ status: r.status, body: parsed });
    });
  });
}

/** eventually polls f until it returns a value other than undefined; lab steps get 20 s by default. */
export function eventually<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  return waitFor(what, f, timeoutMs);
}

/** tempDir makes a temp folder removed by the returned cleanup. */
export function tempDir(name: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `vigie-lab-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** VIGIE_PORT is where `vigie serve` listens inside the hub namespace. */
export const VIGIE_PORT = 9742;

/**
 * startVigie runs `vigie serve` in the hub with a 1 s scrape interval, mDNS on the hub's eth0 only, no
 * in-process agent, and the given extra flags.
 */
export async function startVigie(
  lab: Lab,
  dataDir: string,
  extra: readonly string[] = [],
  scrapeInterval = '1s',
): Promise<LabProcess> {
  mkdirSync(dataDir, { recursive: true });
  const config = join(dataDir, 'vigie.yml');
  writeFileSync(
    config,
    `global:\n  scrape_interval: ${scrapeInterval}\n  scrape_timeout: ${scrapeInterval}\n`,
  );
  const p = lab.spawn(
    lab.hub,
    process.execPath,
    [
      'bin/vigie.js',
      'serve',
      '--listen',
      `0.0.0.0:${VIGIE_PORT}`,
      '--data',
      join(dataDir, 'data'),
      '--config',
      config,
      '--no-local-agent',
      '--mdns-interface',
      'eth0',
      ...extra,
    ],
    { VIGIE_LOG_LEVEL: 'debug' },
  );
  await p.waitFor(/Vigie is running at/, 30_000);
  return p;
}

/**
 * startAgent runs `vigie-agent` (its sources) in a host, announcing on eth0 with its state in stateDir, and
 * resolves with its process and id once it listens.
 */
export async function startAgent(
  lab: Lab,
  host: LabHost,
  stateDir: string,
  extra: readonly string[] = [],
): Promise<{ proc: LabProcess; id: string }> {
  const proc = lab.node(host, [
    'agent/src/cli.ts',
    '--state-dir',
    stateDir,
    '--mdns-interface',
    'eth0',
    ...extra,
  ]);
  const m = await proc.waitFor(
    /agent (\S+) \(SHA256:[^)]+\)[^\n]*\n(?:.*\n)*?vigie-agent listening on/,
    30_000,
  );
  return { proc, id: m[1]! };
}

/**
 * startFakeAgent runs the lab fixture agent (no collectors, for many-agent benchmarks), optionally as an
 * impostor claiming another agent's id with its own key.
 */
export async function startFakeAgent(
  lab: Lab,
  host: LabHost,
  stateDir: string,
  extra: readonly string[] = [],
): Promise<{ proc: LabProcess; id: string }> {
  const proc = lab.node(host, [
    'test/lab/fixtures/agent.ts',
    '--state',
    stateDir,
    '--interface',
    'eth0',
    ...extra,
  ]);
  const m = await proc.waitFor(/agent (\S+) listening on/, 30_000);
  return { proc, id: m[1]! };
}

/** vigieUrl is the hub's API base as seen from inside the hub. */
export function vigieUrl(path: string): string {
  return `http://127.0.0.1:${VIGIE_PORT}${path}`;
}
