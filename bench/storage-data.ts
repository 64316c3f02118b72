/**
 * storage-data.ts simulates what one node-exporter-like host exposes, for the storage benchmarks: about
 * 1000 series per host in the proportions of a real node_exporter scrape — CPU-seconds counters in 0.01 s
 * steps, byte and packet counters with bursty deltas, slowly moving memory gauges in 4 KiB pages, constant
 * gauges (filesystem sizes, info metrics) and a few fractional gauges (load, temperatures). Values are
 * deterministic (seeded) so two runs store the same data.
 */
import type { Labels } from '../src-main/common/labels';

/** rng is a small seeded PRNG (mulberry32) so benchmark data is repeatable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** SimSeries is one simulated series: its labels, its current value and how it moves per scrape. */
export interface SimSeries {
  labels: Labels;
  value: number;
  step: (v: number, r: () => number) => number;
}

/** round quantises x to a step q and returns it as an exposition parser would read it back from text. */
const round = (x: number, q: number): number =>
  Number((Math.round(x / q) * q).toFixed(Math.max(0, -Math.floor(Math.log10(q)))));

/** hostSeries builds the ~1000 series of one host. */
export function hostSeries(host: number, r: () => number): SimSeries[] {
  const instance = `host-${host}:9100`;
  const out: SimSeries[] = [];
  const add = (name: string, extra: Record<string, string>, value: number, step: SimSeries['step']): void =>
    void out.push({ labels: { __name__: name, instance, job: 'node', ...extra }, value, step });
  const modes = ['user', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'nice'];
  const share = [0.05, 0.02, 0.9, 0.01, 0.001, 0.005, 0, 0.001];
  for (let cpu = 0; cpu < 8; cpu++)
    modes.forEach((mode, i) =>
      add('node_cpu_seconds_total', { cpu: String(cpu), mode }, round(r() * 1e6, 0.01), (v, rr) =>
        round(v + Math.max(0, share[i]! * 10 * (0.5 + rr())), 0.01),
      ),
    );
  for (let d = 0; d < 20; d++) {
    const device = d < 4 ? `eth${d}` : `veth${d}`;
    const busy = d < 2 ? 1e6 : d < 6 ? 1e4 : 0;
    for (const dir of ['receive', 'transmit']) {
      add(`node_network_${dir}_bytes_total`, { device }, Math.floor(r() * 1e12), (v, rr) =>
        rr() < 0.7 ? v + Math.floor(busy * rr() * 10) : v,
      );
      add(
        `node_network_${dir}_packets_total`,
        { device },
        Math.floor(r() * 1e9),
        (v, rr) => v + Math.floor((busy / 800) * rr() * 10),
      );
      for (const k of ['errs', 'drop', 'fifo', 'frame', 'compressed', 'multicast'])
        add(`node_network_${dir}_${k}_total`, { device }, Math.floor(r() * 10), (v, rr) =>
          rr() < 0.001 ? v + 1 : v,
        );
    }
  }
  for (let d = 0; d < 16; d++) {
    const device = d < 8 ? `sd${String.fromCharCode(97 + d)}` : `dm-${d}`;
    for (const k of ['read_bytes', 'written_bytes', 'reads_completed', 'writes_completed', 'io_time_seconds'])
      add(`node_disk_${k}_total`, { device }, Math.floor(r() * 1e10), (v, rr) =>
        k === 'io_time_seconds'
          ? round(v + rr() * 0.5, 0.001)
          : v + Math.floor(rr() < 0.5 ? rr() * 4096 * 64 : 0),
      );
  }
  const memNames = ['MemFree', 'MemAvailable', 'Buffers', 'Cached', 'Active', 'Inactive', 'Dirty', 'Slab'];
  for (let i = 0; i < 60; i++)
    add(
      `node_memory_${memNames[i % memNames.length]}_${i}_bytes`,
      {},
      4096 * Math.floor(r() * 4e6),
      (v, rr) => (rr() < 0.3 ? v + 4096 * Math.floor((rr() - 0.5) * 256) : v),
    );
  for (let i = 0; i < 40; i++) {
    const mountpoint = `/mnt/disk${i}`;
    const size = 4096 * Math.floor(r() * 1e9);
    add('node_filesystem_size_bytes', { mountpoint, fstype: 'ext4' }, size, (v) => v);
    add('node_filesystem_avail_bytes', { mountpoint, fstype: 'ext4' }, Math.floor(size / 2), (v, rr) =>
      rr() < 0.1 ? v - 4096 * Math.floor(rr() * 16) : v,
    );
    add('node_filesystem_files', { mountpoint, fstype: 'ext4' }, Math.floor(r() * 1e7), (v) => v);
    add('node_filesystem_readonly', { mountpoint, fstype: 'ext4' }, 0, (v) => v);
  }
  for (const m of ['load1', 'load5', 'load15'])
    add(`node_${m}`, {}, round(r() * 2, 0.01), (v, rr) => Math.max(0, round(v + (rr() - 0.5) * 0.1, 0.01)));
  for (let i = 0; i < 12; i++)
    add(
      'node_hwmon_temp_celsius',
      { chip: 'coretemp', sensor: `temp${i}` },
      round(40 + r() * 20, 1),
      (v, rr) => round(Math.min(90, Math.max(30, v + (rr() - 0.5) * 2)), 1),
    );
  let i = 0;
  while (out.length < 1000) {
    const n = i++;
    if (n % 3 === 0)
      add(
        'node_vmstat_counter_total',
        { item: `v${n}` },
        Math.floor(r() * 1e8),
        (v, rr) => v + Math.floor(rr() * 100),
      );
    else add('node_info_gauge', { item: `c${n}` }, n % 7 === 0 ? 1 : Math.floor(r() * 1000), (v) => v);
  }
  return out;
}
