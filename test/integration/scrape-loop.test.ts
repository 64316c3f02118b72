// End-to-end tests of the scrape stage: file_sd / static discovery → ScrapeManager → real HTTP exporters on
// loopback (in this process and in a child process) → the real exposition parser → MemoryStorage.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { isStaleNaN } from '../../src-main/common/sample';
import { scrapeConfig, type ScrapeConfig } from '../../src-main/config/api';
import { FileSDDiscoverer } from '../../src-main/discovery/file-sd';
import { StaticDiscoverer } from '../../src-main/discovery/static';
import { createParser } from '../../src-main/scrape/exposition/parser';
import { createScrapeManager, type ScrapeManagerImpl } from '../../src-main/scrape/manager';
import { MemoryStorage } from '../../src-main/storage/memory/memory-storage';

async function serve(t: TestContext, handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** childExporter runs an exporter in its own process; kill() ends it like a crashed or unplugged machine. */
async function childExporter(t: TestContext): Promise<{ address: string; kill: () => Promise<void> }> {
  const script = `
    const http = require('node:http');
    const s = http.createServer((req, res) => { res.setHeader('Content-Type', 'text/plain; version=0.0.4'); res.end('child_metric{kind="x"} 42\\n'); });
    s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));
    process.on('disconnect', () => process.exit(0));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  t.after(kill);
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', () => reject(new Error('exporter exited before listening')));
  });
  return { address: `127.0.0.1:${port}`, kill };
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + 10_000;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await delay(10);
  }
}

function job(name: string, over: Partial<ScrapeConfig> = {}): ScrapeConfig {
  return scrapeConfig(name, { scrape_interval: 100, scrape_timeout: 90 }, over);
}

function setup(t: TestContext): { store: MemoryStorage; m: ScrapeManagerImpl } {
  const store = new MemoryStorage();
  const m = createScrapeManager({ appender: () => store.appender(), createParser });
  t.after(() => m.stop());
  return { store, m };
}

/** runStatic feeds a static_configs discoverer into the manager for one job, until the test ends. */
function runStatic(t: TestContext, m: ScrapeManagerImpl, cfg: ScrapeConfig): void {
  const ac = new AbortController();
  const run = new StaticDiscoverer(cfg.static_configs).run(ac.signal, (g) => m.sync(cfg.job_name, g));
  t.after(() => {
    ac.abort();
    return run;
  });
}

async function lastOf(
  store: MemoryStorage,
  metric: string,
  job: string,
): Promise<number | 'stale' | undefined> {
  const s = await store.querier().select(
    [
      { name: '__name__', type: '=', value: metric },
      { name: 'job', type: '=', value: job },
    ],
    0,
    1e15,
  );
  if (s.length === 0) return undefined;
  const v = s[0]!.v[s[0]!.v.length - 1]!;
  return isStaleNaN(v) ? 'stale' : v;
}

test('a gzip exporter is scraped through static_configs', async (t) => {
  const { store, m } = setup(t);
  const body = Array.from({ length: 200 }, (_, i) => `node_thing{i="${i}"} ${i}`).join('\n') + '\n';
  const address = await serve(t, (req, res) => {
    assert.equal(req.headers['accept-encoding'], 'gzip');
    res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(gzipSync(body));
  });
  const cfg = job('gz', { static_configs: [{ targets: [address], labels: { site: 'lab' } }] });
  m.applyConfig([cfg]);
  runStatic(t, m, cfg);
  await waitFor('up', async () => (await lastOf(store, 'up', 'gz')) === 1);
  const series = await store
    .querier()
    .select([{ name: '__name__', type: '=', value: 'node_thing' }], 0, 1e15);
  assert.equal(series.length, 200);
  assert.deepEqual(Object.keys(series[0]!.labels).sort(), ['__name__', 'i', 'instance', 'job', 'site']);
  assert.equal(await lastOf(store, 'scrape_samples_scraped', 'gz'), 200);
});

test('timeout, body_size_limit and parse errors put the target down with a precise lastError', async (t) => {
  const { store, m } = setup(t);
  const hang = await serve(t, () => {});
  const big = await serve(t, (_req, res) => res.end('x 1\n'.repeat(10_000)));
  const broken = await serve(t, (_req, res) => res.end('ok_metric 1\nbad_metric{a="1" 2\n'));
  const jobs = [job('hang', { scrape_timeout: 50 }), job('big', { body_size_limit: 1000 }), job('broken')];
  m.applyConfig(jobs);
  m.sync('hang', [{ source: '0', targets: [{ __address__: hang }], labels: {} }]);
  m.sync('big', [{ source: '0', targets: [{ __address__: big }], labels: {} }]);
  m.sync('broken', [{ source: '0', targets: [{ __address__: broken }], labels: {} }]);
  await waitFor('all down', () => m.targets().active.every((x) => x.health === 'down'));
  const err = (j: string) => m.targets().active.find((x) => x.job === j)!.lastError;
  assert.match(err('hang'), /scrape timed out after 0.05s/);
  assert.match(err('big'), /body size limit exceeded.*1000 bytes/);
  assert.match(err('broken'), /^parse error at line 2, column \d+: /);
  for (const j of ['hang', 'big', 'broken']) assert.equal(await lastOf(store, 'up', j), 0, j);
  assert.equal(await lastOf(store, 'ok_metric', 'broken'), undefined, 'nothing of a broken body is stored');
});

test('an exporter process that dies: its series go stale at the next scrape', async (t) => {
  const { store, m } = setup(t);
  const exp = await childExporter(t);
  m.applyConfig([job('child')]);
  m.sync('child', [{ source: '0', targets: [{ __address__: exp.address }], labels: {} }]);
  await waitFor('scraped', async () => (await lastOf(store, 'child_metric', 'child')) === 42);
  await exp.kill();
  await waitFor('stale', async () => (await lastOf(store, 'child_metric', 'child')) === 'stale');
  await waitFor('down', () => m.targets().active[0]!.health === 'down');
  assert.equal(await lastOf(store, 'up', 'child'), 0);
  assert.match(m.targets().active[0]!.lastError, /ECONNREFUSED|ECONNRESET|socket hang up/);
});

test('file_sd: editing the file adds and removes targets; a removed target gets stale markers', async (t) => {
  const { store, m } = setup(t);
  const dir = await mkdtemp(join(tmpdir(), 'vigie-scrape-it-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const a = await serve(t, (_req, res) => res.end('metric_a 1\n'));
  const b = await serve(t, (_req, res) => res.end('metric_b 2\n'));
  const file = join(dir, 'targets.json');
  const write = async (targets: string[]) => {
    await writeFile(file + '.tmp', JSON.stringify([{ targets, labels: { team: 'ops' } }]));
    await rename(file + '.tmp', file);
  };
  await write([a]);
  m.applyConfig([job('fsd')]);
  const ac = new AbortController();
  const run = new FileSDDiscoverer(
    { files: [join(dir, '*.json')], refresh_interval: 200 },
    { debounceMs: 10 },
  ).run(ac.signal, (g) => m.sync('fsd', g));
  t.after(() => {
    ac.abort();
    return run;
  });
  await waitFor('a scraped', async () => (await lastOf(store, 'metric_a', 'fsd')) === 1);
  assert.equal(m.targets().active[0]!.discoveredLabels.__meta_filepath, file);
  assert.equal(m.targets().active[0]!.labels.team, 'ops');
  await write([a, b]);
  await waitFor('two targets', () => m.targets().active.length === 2);
  await waitFor('b scraped', async () => (await lastOf(store, 'metric_b', 'fsd')) === 2);
  await write([b]);
  await waitFor('one target', () => m.targets().active.length === 1);
  await waitFor('a stale', async () => (await lastOf(store, 'metric_a', 'fsd')) === 'stale');
  const upA = await store.querier().select(
    [
      { name: 'instance', type: '=', value: a },
      { name: '__name__', type: '=', value: 'up' },
    ],
    0,
    1e15,
  );
  assert.ok(isStaleNaN(upA[0]!.v[upA[0]!.v.length - 1]!), 'the synthetic series end too');
  assert.equal(await lastOf(store, 'metric_b', 'fsd'), 2);
});
