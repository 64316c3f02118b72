import { formatDuration } from '../config/api';
import type { GroupDef, RuleDef } from './rule-file';

/** ThresholdOp is how a value compares to its thresholds. */
export type ThresholdOp = '>' | '>=' | '<' | '<=';

/**
 * ThresholdRule is the simple rule the UI edits: "alert when <expr> <op> <threshold> for <duration>",
 * with a warning and a critical threshold. It is compiled to ordinary PromQL alerting rules.
 */
export interface ThresholdRule {
  /** name is the alert name (a metric-name-like identifier, e.g. HostCpuSaturated). */
  name: string;
  /** expr is a PromQL expression giving the value to compare, one series per thing watched. */
  expr: string;
  op: ThresholdOp;
  warn?: number;
  critical?: number;
  forMs: number;
  /** summary and description are annotation templates; `{{ $value }}` is the current value. */
  summary: string;
  description?: string;
  /** unit tells how `$value` is humanized in the default summary: '%', 'bytes', 's' or ''. */
  enabled?: boolean;
  labels?: Record<string, string>;
}

/**
 * compileThreshold turns a threshold rule into one alerting rule per severity. Both fire when the value is
 * past critical; the router's default inhibition (critical mutes warning of the same alert and instance)
 * keeps that to one message, and the warning alone shows while only the warning threshold is crossed.
 */
export function compileThreshold(r: ThresholdRule, line = 0): RuleDef[] {
  const out: RuleDef[] = [];
  for (const [severity, threshold] of [
    ['warning', r.warn],
    ['critical', r.critical],
  ] as const) {
    if (threshold === undefined || !Number.isFinite(threshold)) continue;
    out.push({
      kind: 'alert',
      name: r.name,
      expr: `(${r.expr}) ${r.op} ${formatNumber(threshold)}`,
      forMs: r.forMs,
      keepFiringForMs: 0,
      labels: { ...r.labels, severity },
      annotations: {
        summary: r.summary,
        ...(r.description !== undefined ? { description: r.description } : {}),
        threshold: `${r.op} ${formatNumber(threshold)}${r.forMs > 0 ? ` for ${formatDuration(r.forMs)}` : ''}`,
      },
      line,
    });
  }
  return out;
}

/** thresholdGroup compiles a set of threshold rules into one rule group. */
export function thresholdGroup(name: string, file: string, rules: readonly ThresholdRule[]): GroupDef {
  return {
    file,
    name,
    limit: 0,
    rules: rules.filter((r) => r.enabled !== false).flatMap((r) => compileThreshold(r)),
  };
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(v);
}
