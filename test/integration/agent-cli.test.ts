import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { buildAgent } from '../../agent/build.js';
import { runToExit, spawnAgent, stopAgent } from './agent-process';

const SOURCE = ['--import', 'tsx', 'agent/src/cli.ts'];

/** rawGet fetches without fetch()'s transparent decompression, to see the bytes on the wire. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

test('vigie-agent serves node_exporter-style metrics, gzip and OpenMetrics, and exits 0 on SIGTERM', async (t) => {
  const agent = await spawnAgent([...SOURCE, '--listen', '127.0.0.1:0', '--no-mdns']);
  t.after(() => stopAgent(agent));
  assert.match(agent.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);

  const plain = await rawGet(agent.url + 'metrics', {});
  assert.equal(plain.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  assert.equal(plain.headers['content-encoding'], undefined);
  const text = plain.body.toString('utf8');
  for (const name of [
    'node_cpu_seconds_total',
    'node_memory_MemTotal_bytes',
    'node_load1',
    'node_uname_info',
  ]) {
    assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  }
  assert.doesNotMatch(
    text,
    /^node_scrape_collector_success\{[^}]*\} 0$/m,
    'every collector succeeds on this host',
  );

  const gz = await rawGet(agent.url + 'metrics', { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(gz.body.length < plain.body.length / 3, `gzip ${gz.body.length} vs ${plain.body.length}`);
  assert.match(gunzipSync(gz.body).toString('utf8'), /^# TYPE node_cpu_seconds_total counter$/m);

  const om = await rawGet(agent.url + 'metrics', {
    accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  });
  assert.equal(om.headers['content-type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8');
  const omText = om.body.toString('utf8');
  assert.match(omText, /^# TYPE node_cpu_seconds counter$/m);
  assert.match(omText, /^node_cpu_seconds_total\{/m);
  assert.ok(omText.endsWith('# EOF\n'));

  agent.proc.kill('SIGTERM');
  assert.equal(await agent.exited, 0);
  assert.equal(agent.stderr(), '');
});

test('vigie-agent exits 0 on SIGINT too', async (t) => {
  const agent = await spawnAgent([...SOURCE, '--listen', '127.0.0.1:0']);
  t.after(() => stopAgent(agent));
  agent.proc.kill('SIGINT');
  assert.equal(await agent.exited, 0);
});

test('vigie-agent --help prints usage and exits 0', async () => {
  const r = await runToExit([...SOURCE, '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: vigie-agent \[--listen HOST:PORT\] \[--no-mdns\] \[--help\]/);
});

test('vigie-agent rejects a bad --listen (exit 2) and a port in use (exit 1) with clear messages', async (t) => {
  const bad = await runToExit([...SOURCE, '--listen', 'localhost']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid --listen "localhost": missing or malformed ":PORT"/);

  const unknown = await runToExit([...SOURCE, '--frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown argument "--frobnicate"/);

  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const port = (blocker.address() as AddressInfo).port;
  const busy = await runToExit([...SOURCE, '--listen', `127.0.0.1:${port}`]);
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`));
});

test('the one-file bundle built by buildAgent runs through agent/bin/vigie-agent.js', async (t) => {
  const out = await buildAgent();
  assert.match(out, /agent\/dist\/vigie-agent\.js$/);
  const help = await runToExit(['agent/bin/vigie-agent.js', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: vigie-agent/);
  const agent = await spawnAgent(['agent/bin/vigie-agent.js', '--listen', '127.0.0.1:0']);
  t.after(() => stopAgent(agent));
  const res = await fetch(agent.url + 'metrics');
  assert.match(await res.text(), /^node_boot_time_seconds \d+$/m);
  agent.proc.kill('SIGTERM');
  assert.equal(await agent.exited, 0);
});

test('agent/bin runs under the same V8 flags as the bundle', async () => {
  const { readFile } = await import('node:fs/promises');
  const { AGENT_NODE_FLAGS } = await import('../../agent/build.js');
  const bin = await readFile(new URL('../../agent/bin/vigie-agent.js', import.meta.url), 'utf8');
  assert.equal(bin.split('\n')[0], `#!/usr/bin/env -S node ${AGENT_NODE_FLAGS.join(' ')}`);
});
