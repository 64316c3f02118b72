import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { MetricsSource } from '../../agent/src/index';
import { parseText } from './agent-text';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

/** COLLECTORS are the node_exporter collectors the agent implements; node_exporter runs with only these. */
const COLLECTORS = [
  'cpu',
  'diskstats',
  'filesystem',
  'hwmon',
  'loadavg',
  'meminfo',
  'netdev',
  'pressure',
  'stat',
  'time',
  'uname',
];

/** EXACT are families that cannot change between two reads a moment apart: their values must be equal. */
const EXACT = new Set([
  'node_memory_MemTotal_bytes',
  'node_memory_SwapTotal_bytes',
  'node_memory_VmallocTotal_bytes',
  'node_memory_Hugepagesize_bytes',
  'node_memory_HugePages_Total',
  'node_filesystem_size_bytes',
  'node_filesystem_files',
  'node_filesystem_readonly',
  'node_filesystem_device_error',
  'node_boot_time_seconds',
  'node_uname_info',
  'node_disk_info',
  'node_time_zone_offset_seconds',
  'node_time_clocksource_available_info',
  'node_time_clocksource_current_info',
  'node_hwmon_chip_names',
]);

/** GAUGE_SLACK is how far a changing gauge may move between the reads, beyond 5 % of its value. */
const GAUGE_SLACK: ReadonlyArray<readonly [RegExp, number]> = [
  [/^node_time_seconds$/, 30],
  [/^node_procs_(running|blocked)$/, 50],
  [/^node_load/, 2],
  [/^node_disk_io_now$/, 100],
  [/^node_memory_/, 256 * 1024 * 1024],
  [/^node_filesystem_/, 1024 * 1024 * 1024],
  [/^node_hwmon_/, 5],
];

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** waitForText polls a URL (bounded in count and time) until it answers 200, and returns the body. */
async function waitForText(url: string, deadline: number): Promise<string> {
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (res.ok) return await res.text();
      last = new Error(`HTTP ${res.status}`);
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer: ${String(last)}`);
}

test(
  'agent parity with node_exporter 1.5 on this host',
  { skip: !existsSync(NODE_EXPORTER) && `${NODE_EXPORTER} is not installed, parity cannot be checked` },
  async (t) => {
    const port = await freePort();
    const ne = spawn(
      NODE_EXPORTER,
      [
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.disable-exporter-metrics',
        '--collector.disable-defaults',
        ...COLLECTORS.map((c) => `--collector.${c}`),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const neExit = new Promise((resolve) => ne.on('exit', resolve));
    t.after(async () => {
      if (ne.exitCode === null && ne.signalCode === null) ne.kill('SIGKILL');
      await neExit;
    });
    const url = `http://127.0.0.1:${port}/metrics`;
    const source = new MetricsSource();

    // Read node_exporter, then the agent, then node_exporter again: a counter read by the agent must lie
    // between the two, and a changing gauge near them.
    const before = parseText(await waitForText(url, Date.now() + 20_000));
    const agent = parseText((await source.exposition()).body);
    const after = parseText(await waitForText(url, Date.now() + 10_000));

    // node_exporter_build_info describes node_exporter itself, not the host; the scrape_collector series
    // differ by design (the agent's hwmon succeeds on a host without hwmon, node_exporter's fails).
    const inScope = (name: string): boolean =>
      name.startsWith('node_') &&
      !name.startsWith('node_scrape_collector_') &&
      name !== 'node_exporter_build_info';
    const neNames = [...before.byName.keys()].filter(inScope).sort();
    const missing = neNames.filter((n) => !agent.byName.has(n));
    t.diagnostic(
      `node_exporter families compared: ${neNames.length}; agent lacks: ${missing.join(', ') || 'none'}`,
    );
    assert.deepEqual(missing, [], `families node_exporter has that the agent lacks: ${missing.join(', ')}`);

    const problems: string[] = [];
    for (const name of neNames) {
      const neSeries = before.byName.get(name)!;
      const agSeries = agent.byName.get(name)!;
      if (before.types.get(name) !== agent.types.get(name)) {
        problems.push(`${name}: TYPE ${agent.types.get(name)} vs node_exporter ${before.types.get(name)}`);
      }
      const neKeys = [...neSeries.keys()].sort();
      const agKeys = [...agSeries.keys()].sort();
      if (JSON.stringify(neKeys) !== JSON.stringify(agKeys)) {
        problems.push(
          `${name}: label sets differ\n  node_exporter ${neKeys.join(' ')}\n  agent         ${agKeys.join(' ')}`,
        );
        continue;
      }
      for (const key of neKeys) {
        const a = agSeries.get(key)!.value;
        const v1 = neSeries.get(key)!.value;
        const v2 = after.byName.get(name)?.get(key)?.value ?? v1;
        const lo = Math.min(v1, v2);
        const hi = Math.max(v1, v2);
        let ok: boolean;
        if (EXACT.has(name)) ok = a === v1 && a === v2;
        else if (before.types.get(name) === 'counter') {
          const eps = 1e-9 * Math.abs(hi) + 1e-9;
          ok = a >= lo - eps && a <= hi + eps;
        } else {
          const slack =
            (GAUGE_SLACK.find(([re]) => re.test(name))?.[1] ?? 0) +
            0.05 * Math.max(Math.abs(lo), Math.abs(hi));
          ok = a >= lo - slack && a <= hi + slack;
        }
        if (!ok) problems.push(`${name}${key}: agent ${a}, node_exporter ${v1} then ${v2}`);
      }
    }
    const extra = [...agent.byName.keys()].filter((n) => inScope(n) && !before.byName.has(n));
    t.diagnostic(`families only the agent has: ${extra.join(', ') || 'none'}`);
    assert.deepEqual(problems, []);
  },
);
