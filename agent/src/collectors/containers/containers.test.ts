import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MetricSet } from '../../metrics';
import { valueOf } from '../linux/testkit';
import { runCollectors } from '../run';
import { containersCollector } from './containers';

// testdata/ holds answers in the shapes of the Docker Engine API reference (v1.43): a container list, and the
// stats of one container under cgroup v2 and of one under cgroup v1.
const testdata = async (name: string): Promise<string> =>
  readFile(fileURLToPath(new URL(`testdata/${name}`, import.meta.url)), 'utf8');

const NGINX = '8dfafdbc3a40a1f0b0d1a2f1e8c5b5f7b3b1b4c9e1f3a2d4c6b8e0f2a4c6e8f0';
const DB = '9cd87474be90a1f0b0d1a2f1e8c5b5f7b3b1b4c9e1f3a2d4c6b8e0f2a4c6e8f1';
const OLD = '3176a2479c92a1f0b0d1a2f1e8c5b5f7b3b1b4c9e1f3a2d4c6b8e0f2a4c6e8f2';

/** FakeEngine is a Docker Engine API stand-in on a unix socket in a temp dir, recording what it was asked. */
interface FakeEngine {
  socket: string;
  dir: string;
  paths: string[];
  maxInFlight: number;
  /** closed counts requests whose client went away before an answer. */
  aborted: number;
}

type Route = (path: string, res: ServerResponse) => Promise<boolean>;

async function fakeEngine(t: TestContext, route?: Route): Promise<FakeEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-docker-'));
  const engine: FakeEngine = { socket: join(dir, 'docker.sock'), dir, paths: [], maxInFlight: 0, aborted: 0 };
  const answers = new Map([
    ['/containers/json?all=1', await testdata('containers.json')],
    [`/containers/${NGINX}/stats?stream=false&one-shot=true`, await testdata('stats-cgroup2.json')],
    [`/containers/${DB}/stats?stream=false&one-shot=true`, await testdata('stats-cgroup1.json')],
  ]);
  let inFlight = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '';
    engine.paths.push(path);
    inFlight++;
    engine.maxInFlight = Math.max(engine.maxInFlight, inFlight);
    res.on('close', () => {
      inFlight--;
      if (!res.writableFinished) engine.aborted++;
    });
    void (async () => {
      if (route !== undefined && (await route(path, res))) return;
      // Answer a little later, so concurrent requests overlap and the limit is observable.
      await new Promise((r) => setTimeout(r, 20));
      const body = answers.get(path);
      if (body === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"No such container"}');
      } else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(engine.socket, resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });
  return engine;
}

test('containers collector: cAdvisor series per running container from a Docker Engine API socket', async (t) => {
  const engine = await fakeEngine(t);
  const out = new MetricSet();
  await containersCollector({ sockets: [engine.socket], concurrency: 1 }).collect(out);
  const nginx = { id: NGINX, image: 'nginx:1.25', name: 'boring_feynman' };
  const db = { id: DB, image: 'postgres:16', name: 'db' };
  const old = { id: OLD, image: 'busybox', name: 'old_job' };
  assert.equal(valueOf(out, 'container_cpu_usage_seconds_total', { ...nginx, cpu: 'total' }), 0.100215355);
  assert.equal(valueOf(out, 'container_cpu_user_seconds_total', db), 1.9);
  assert.equal(valueOf(out, 'container_cpu_system_seconds_total', db), 0.5);
  // cgroup v2: working set = usage - inactive_file; rss = anon; cache = file.
  assert.equal(valueOf(out, 'container_memory_usage_bytes', nginx), 6537216);
  assert.equal(valueOf(out, 'container_memory_working_set_bytes', nginx), 6537216 - 2859008);
  assert.equal(valueOf(out, 'container_memory_rss', nginx), 2400256);
  assert.equal(valueOf(out, 'container_memory_cache', nginx), 3928064);
  // cgroup v1: total_inactive_file, rss, cache.
  assert.equal(valueOf(out, 'container_memory_working_set_bytes', db), 52428800 - 10485760);
  assert.equal(valueOf(out, 'container_memory_rss', db), 26214400);
  assert.equal(valueOf(out, 'container_spec_memory_limit_bytes', db), 268435456);
  assert.equal(valueOf(out, 'container_network_receive_bytes_total', { ...nginx, interface: 'eth0' }), 5338);
  assert.equal(valueOf(out, 'container_network_transmit_packets_total', { ...nginx, interface: 'eth0' }), 8);
  assert.equal(valueOf(out, 'container_network_receive_errors_total', { ...db, interface: 'eth0' }), 2);
  assert.equal(
    valueOf(out, 'container_network_transmit_packets_dropped_total', { ...db, interface: 'eth0' }),
    3,
  );
  assert.equal(valueOf(out, 'container_network_receive_bytes_total', { ...db, interface: 'eth1' }), 7);
  // Block I/O summed over devices; "Read" (v1) and "read" (v2) alike; Sync/Total rows not counted.
  assert.equal(valueOf(out, 'container_fs_reads_bytes_total', nginx), 6616040);
  assert.equal(valueOf(out, 'container_fs_writes_bytes_total', nginx), 8216);
  assert.equal(valueOf(out, 'container_fs_writes_bytes_total', db), 1048576);
  assert.equal(valueOf(out, 'container_fs_reads_total', db), 120);
  assert.equal(out.families.get('container_fs_reads_total')!.samples.length, 1, 'v2 has no io_serviced');
  assert.equal(valueOf(out, 'container_start_time_seconds', db), 1700000100);
  assert.ok(Math.abs(valueOf(out, 'container_last_seen', nginx)! - Date.now() / 1000) < 60);
  assert.equal(out.families.get('container_cpu_usage_seconds_total')!.type, 'counter');
  // Every container has its running state; the exited one has no stats and was not asked for any.
  assert.equal(valueOf(out, 'vigie_container_running', nginx), 1);
  assert.equal(valueOf(out, 'vigie_container_running', old), 0);
  assert.equal(valueOf(out, 'vigie_container_state', { ...old, state: 'exited' }), 1);
  assert.equal(valueOf(out, 'container_start_time_seconds', old), 1699990000);
  assert.equal(out.families.get('container_last_seen')!.samples.length, 2);
  assert.deepEqual(engine.paths.slice().sort(), [
    `/containers/${NGINX}/stats?stream=false&one-shot=true`,
    `/containers/${DB}/stats?stream=false&one-shot=true`,
    '/containers/json?all=1',
  ]);
  assert.equal(engine.maxInFlight, 1, 'concurrency 1: one stats request at a time');
});

test('containers collector: stats requests run up to the concurrency limit at once', async (t) => {
  // Each stats answer waits until both are in flight (or 5 s pass, and the assertion below fails).
  const waitForBoth: Route = async (path) => {
    const deadline = Date.now() + 5000;
    while (path.includes('/stats') && engine.maxInFlight < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    return false;
  };
  const engine: FakeEngine = await fakeEngine(t, waitForBoth);
  await containersCollector({ sockets: [engine.socket], concurrency: 4 }).collect(new MetricSet());
  assert.equal(engine.maxInFlight, 2);
});

test('containers collector: no engine is quiet (no socket, or a socket file nobody listens on); one engine behind two paths is asked once', async (t) => {
  const engine = await fakeEngine(t);
  const stale = join(engine.dir, 'stale.sock');
  await writeFile(stale, '');
  const link = join(engine.dir, 'link.sock');
  await symlink(engine.socket, link);
  const none = new MetricSet();
  await containersCollector({ sockets: [join(engine.dir, 'absent.sock'), stale] }).collect(none);
  assert.equal(none.families.size, 0);
  await assert.rejects(
    containersCollector({ sockets: [stale], required: true }).collect(new MetricSet()),
    /no container engine answers on .*stale\.sock/,
  );
  const out = new MetricSet();
  await containersCollector({ sockets: [engine.socket, link, stale] }).collect(out);
  assert.equal(out.families.get('vigie_container_running')!.samples.length, 3);
  assert.equal(engine.paths.filter((p) => p.startsWith('/containers/json')).length, 1);
});

test('containers collector: a container gone between list and stats is skipped; an engine error fails naming socket and status', async (t) => {
  const gone = await fakeEngine(t, async (path, res) => {
    if (!path.startsWith(`/containers/${DB}/`)) return false;
    res.writeHead(404, { 'content-type': 'application/json' }).end(`{"message":"No such container: ${DB}"}`);
    return true;
  });
  const out = new MetricSet();
  await containersCollector({ sockets: [gone.socket] }).collect(out);
  assert.equal(out.families.get('container_last_seen')!.samples.length, 1);
  assert.equal(valueOf(out, 'vigie_container_running', { id: DB, image: 'postgres:16', name: 'db' }), 1);

  const broken = await fakeEngine(t, async (_path, res) => {
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"daemon is shutting down"}');
    return true;
  });
  await assert.rejects(
    containersCollector({ sockets: [broken.socket] }).collect(new MetricSet()),
    new RegExp(
      `${broken.socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} GET /containers/json\\?all=1: 500 daemon is shutting down`,
    ),
  );
});

test('a hanging engine: the collector times out with success 0, its requests are aborted, the scrape goes on', async (t) => {
  const engine = await fakeEngine(t, async (path) => path.includes('/stats')); // stats never answered
  const out = new MetricSet();
  const errors: string[] = [];
  const runs = await runCollectors(
    [
      containersCollector({ sockets: [engine.socket] }),
      { name: 'other', collect: async (set) => set.gauge('other_value', 'A value.', 1) },
    ],
    out,
    { timeoutMs: 300, onError: (r) => errors.push(`${r.name}: ${(r.error as Error).message}`) },
  );
  assert.deepEqual(
    runs.map((r) => [r.name, r.ok]),
    [
      ['containers', false],
      ['other', true],
    ],
  );
  assert.deepEqual(errors, ['containers: timed out after 300 ms']);
  assert.equal(valueOf(out, 'node_scrape_collector_success', { collector: 'containers' }), 0);
  assert.equal(valueOf(out, 'node_scrape_collector_success', { collector: 'other' }), 1);
  assert.equal(valueOf(out, 'other_value'), 1);
  assert.equal(out.families.has('vigie_container_running'), false, 'nothing half-done');
  // The abort reaches the engine: both pending stats requests are closed by the client.
  const deadline = Date.now() + 5000;
  while (engine.aborted < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(engine.aborted, 2);
});
