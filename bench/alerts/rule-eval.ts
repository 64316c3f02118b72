// bench/alerts/rule-eval.ts: evaluation time of 200 alerting rules over 50 simulated hosts, per cycle, on
// the DuckDB store (target: ≤ 200 ms per cycle). Figures are noisy on a shared machine; run it alone.
//   node --import tsx bench/alerts/rule-eval.ts [--hosts 50] [--rules 200] [--cycles 5]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../src-main/promql/engine';
import { openDuckDBStorage } from '../../src-main/storage/duckdb/index';
import { createRuleManager } from '../../src-main/rules/manager';
import { defaultPackRules } from '../../src-main/rules/default-pack';
import { thresholdGroup, type ThresholdRule } from '../../src-main/rules/threshold';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

const HOSTS = arg('hosts', 50);
const RULES = arg('rules', 200);
const CYCLES = arg('cycles', 5);
const STEP = 10_000;
const HISTORY = 60; // 10 minutes of samples before the first evaluation

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-bench-alerts-'));
  const storage = await openDuckDBStorage({ dir });
  try {
    const t0 = Math.floor(Date.now() / STEP) * STEP - HISTORY * STEP;
    // Per host: 4 CPUs × 2 modes, memory, 3 filesystems, 2 temperatures, time, up.
    for (let i = 0; i <= HISTORY + CYCLES; i++) {
      const app = storage.appender();
      const t = t0 + i * STEP;
      for (let h = 0; h < HOSTS; h++) {
        const instance = `host-${h}:9100`;
        const base = { instance, job: 'node' };
        app.append(0, { __name__: 'up', ...base }, t, h % 17 === 0 && i > 30 ? 0 : 1);
        for (let c = 0; c < 4; c++)
          for (const mode of ['idle', 'user']) {
            const rate = mode === 'idle' ? (h % 5 === 0 ? 0.05 : 0.6) : 0.3;
            app.append(
              0,
              { __name__: 'node_cpu_seconds_total', ...base, cpu: String(c), mode },
              t,
              i * 10 * rate,
            );
          }
        app.append(0, { __name__: 'node_memory_MemTotal_bytes', ...base }, t, 16e9);
        app.append(0, { __name__: 'node_memory_MemAvailable_bytes', ...base }, t, h % 7 === 0 ? 0.5e9 : 8e9);
        for (const mp of ['/', '/home', '/var']) {
          const fs = { ...base, mountpoint: mp, fstype: 'ext4', device: '/dev/sda' };
          app.append(0, { __name__: 'node_filesystem_size_bytes', ...fs }, t, 100e9);
          app.append(
            0,
            { __name__: 'node_filesystem_avail_bytes', ...fs },
            t,
            50e9 - (h % 3 === 0 ? i * 1e8 : 0),
          );
        }
        for (const sensor of ['temp1', 'temp2'])
          app.append(
            0,
            { __name__: 'node_hwmon_temp_celsius', ...base, chip: 'coretemp', sensor },
            t,
            50 + (h % 10) * 4,
          );
        app.append(0, { __name__: 'node_time_seconds', ...base }, t, t / 1000 + (h % 11 === 0 ? 2 : 0));
      }
      await app.commit();
    }
    // 200 rules: the default pack's expressions repeated with shifted thresholds and names.
    const pack = defaultPackRules();
    const rules: ThresholdRule[] = [];
    let compiled = 0;
    for (let i = 0; compiled < RULES; i++) {
      const r = pack[i % pack.length]!;
      rules.push({ ...r, name: `${r.name}_${i}`, forMs: 0 });
      compiled += Number(r.warn !== undefined) + Number(r.critical !== undefined);
    }
    let alerts = 0;
    const manager = await createRuleManager(
      {
        engine: createEngine(storage.querier()),
        storage,
        send: (a) => (alerts += a.length),
        evaluationIntervalMs: STEP,
        autoRun: false,
        builtin: () => [thresholdGroup('bench', 'bench', rules)],
        log: () => {},
      },
      [],
    );
    const ruleCount = manager.groups()[0]!.rules.length;
    const times: number[] = [];
    for (let c = 0; c < CYCLES; c++) {
      const start = performance.now();
      await manager.evaluateAt(t0 + (HISTORY + c) * STEP);
      times.push(performance.now() - start);
    }
    await manager.stop();
    times.sort((a, b) => a - b);
    const med = times[Math.floor(times.length / 2)]!;
    console.log(`rule evaluation: ${ruleCount} rules × ${HOSTS} hosts on DuckDB, ${CYCLES} cycles`);
    console.log(
      `  per cycle: median ${med.toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms, max ${times[times.length - 1]!.toFixed(0)} ms (target ≤ 200 ms)`,
    );
    console.log(`  active alerts: ${manager.alerts().length}, sent to the notifier: ${alerts}`);
  } finally {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
