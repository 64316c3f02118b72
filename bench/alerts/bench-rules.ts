// bench-rules.ts: the rule set of the rule-evaluation bench: Vigie's default pack, a recording group, and
// generated threshold rules over the node_exporter metrics a fleet host serves, as a lab would write them.
import type { GroupDef, RuleDef } from '../../src-main/rules/rule-file';
import { defaultPackGroup } from '../../src-main/rules/default-pack';
import { thresholdGroup, type ThresholdOp, type ThresholdRule } from '../../src-main/rules/threshold';

/** WATCHED are expressions users put thresholds on, with a base threshold in the expression's unit. */
const WATCHED: { name: string; expr: string; op: ThresholdOp; base: number }[] = [
  { name: 'NetRxHigh', expr: 'rate(node_network_receive_bytes_total{device!="lo"}[5m])', op: '>', base: 1e6 },
  {
    name: 'NetTxHigh',
    expr: 'rate(node_network_transmit_bytes_total{device!="lo"}[5m])',
    op: '>',
    base: 1e6,
  },
  { name: 'NetRxErrors', expr: 'rate(node_network_receive_errs_total[5m])', op: '>', base: 0.1 },
  { name: 'NetTxDrops', expr: 'increase(node_network_transmit_drop_total[15m])', op: '>', base: 10 },
  { name: 'DiskBusy', expr: '100 * rate(node_disk_io_time_seconds_total[5m])', op: '>', base: 50 },
  {
    name: 'DiskThroughput',
    expr: 'rate(node_disk_read_bytes_total[5m]) + rate(node_disk_written_bytes_total[5m])',
    op: '>',
    base: 50e6,
  },
  {
    name: 'LoadPerCpu',
    expr: 'node_load5 / on (instance, job) count by (instance, job) (node_cpu_seconds_total{mode="idle"})',
    op: '>',
    base: 1,
  },
  { name: 'LoadPeak', expr: 'max_over_time(node_load1[10m])', op: '>', base: 4 },
  { name: 'InodesLow', expr: '100 * node_filesystem_files_free / node_filesystem_files', op: '<', base: 20 },
  { name: 'FdsHigh', expr: '100 * node_filefd_allocated / node_filefd_maximum', op: '>', base: 50 },
  {
    name: 'SwapUsed',
    expr: '100 * (1 - node_memory_SwapFree_bytes / node_memory_SwapTotal_bytes)',
    op: '>',
    base: 50,
  },
  {
    name: 'TempNearCrit',
    expr: 'node_hwmon_temp_celsius / node_hwmon_temp_crit_celsius',
    op: '>',
    base: 0.8,
  },
  { name: 'CtxSwitches', expr: 'rate(node_context_switches_total[5m])', op: '>', base: 20000 },
  { name: 'ProcsBlocked', expr: 'node_procs_blocked', op: '>', base: 5 },
  { name: 'EntropyLow', expr: 'node_entropy_available_bits', op: '<', base: 300 },
  {
    name: 'CpuIowait',
    expr: 'avg by (instance) (rate(node_cpu_seconds_total{mode="iowait"}[5m]))',
    op: '>',
    base: 0.1,
  },
  { name: 'SoftnetDrops', expr: 'rate(node_softnet_dropped_total[5m])', op: '>', base: 1 },
  { name: 'DirtyHigh', expr: 'node_memory_Dirty_bytes', op: '>', base: 1e9 },
];

/** RECORDING are per-instance recording rules, with alerts on what they record in the same group. */
const RECORDING: RuleDef[] = [
  rec(
    'instance:node_cpu_utilisation:rate5m',
    '1 - avg without (cpu, mode) (rate(node_cpu_seconds_total{mode="idle"}[5m]))',
  ),
  rec(
    'instance:node_memory_utilisation:ratio',
    '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes',
  ),
  rec(
    'instance:node_network_receive_bytes:rate5m',
    'sum without (device) (rate(node_network_receive_bytes_total{device!="lo"}[5m]))',
  ),
  rec(
    'instance:node_disk_io_time:rate5m',
    'sum without (device) (rate(node_disk_io_time_seconds_total[5m]))',
  ),
  alert('CpuUtilisationHigh', 'instance:node_cpu_utilisation:rate5m > 0.9'),
  alert('MemoryUtilisationHigh', 'instance:node_memory_utilisation:ratio > 0.9'),
];

function rec(name: string, expr: string): RuleDef {
  return { kind: 'record', name, expr, forMs: 0, keepFiringForMs: 0, labels: {}, annotations: {}, line: 0 };
}

function alert(name: string, expr: string): RuleDef {
  return {
    kind: 'alert',
    name,
    expr,
    forMs: 0,
    keepFiringForMs: 0,
    labels: { severity: 'warning' },
    annotations: { summary: '{{ $labels.instance }} at {{ $value | humanizePercentage }}' },
    line: 0,
  };
}

/**
 * benchGroups returns about `total` rules: the default pack (as shipped), the recording group, then groups
 * of 40 generated threshold rules (warning + critical each) with thresholds spread so some alerts fire.
 */
export function benchGroups(total: number): GroupDef[] {
  const groups: GroupDef[] = [
    defaultPackGroup(),
    { file: 'bench', name: 'recording', limit: 0, rules: RECORDING },
  ];
  let count = groups.reduce((n, g) => n + g.rules.length, 0);
  let batch: ThresholdRule[] = [];
  for (let i = 0; count < total; i++) {
    const w = WATCHED[i % WATCHED.length]!;
    const k = 1 + Math.floor(i / WATCHED.length) * 0.5;
    const warn = w.op === '>' || w.op === '>=' ? w.base * k : w.base / k;
    const critical = w.op === '>' || w.op === '>=' ? warn * 2 : warn / 2;
    batch.push({
      name: `${w.name}${i}`,
      expr: w.expr,
      op: w.op,
      warn,
      critical: count + 1 < total ? critical : undefined,
      forMs: 0,
      summary: '{{ $labels.instance }}: {{ $value | humanize }}',
    });
    count += count + 1 < total ? 2 : 1;
    if (batch.length === 20 || count >= total) {
      groups.push(thresholdGroup(`thresholds-${groups.length}`, 'bench', batch));
      batch = [];
    }
  }
  return groups;
}
