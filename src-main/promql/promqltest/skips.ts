import { matchesAll } from '../../common/matcher';
import type { Expr } from '../ast';
import { parseExpr } from '../parse';
import { planSelections } from '../plan';
import type { EvalCmd } from './script';
import type { ScriptState } from './runner';

/**
 * SKIPPED_FILES are whole upstream scripts for features Vigie does not implement yet, with the reason.
 * Every case of these files is still counted (as skipped) by the runner.
 */
export const SKIPPED_FILES: ReadonlyMap<string, string> = new Map([
  ['native_histograms.test', 'native histograms are not stored by Vigie'],
  ['info.test', 'experimental info() function'],
  ['fill-modifier.test', 'experimental fill()/fill_left()/fill_right() binop modifiers'],
  ['extended_vectors.test', 'experimental extended range selectors (anchored/smoothed)'],
  ['duration_expression.test', 'experimental duration expressions'],
  ['type_and_unit.test', 'type-and-unit labels (__type__/__unit__) feature'],
  ['start_timestamps.test', 'start timestamps (created timestamps) feature'],
]);

/** SkipRule is one explicit reason to skip individual cases of otherwise supported files. */
interface SkipRule {
  reason: string;
  applies(state: ScriptState, cmd: EvalCmd): boolean;
}

const SKIP_RULES: SkipRule[] = [
  {
    reason: 'expects native histogram values ({{...}})',
    applies: (_s, cmd) => cmd.results.some((r) => r.includes('{{')),
  },
  {
    reason: 'reads native histogram samples (load {{...}} or load_with_nhcb)',
    applies: (s, cmd) => readsHistograms(s, cmd),
  },
  {
    reason:
      'experimental syntax: info(), fill modifiers, anchored/smoothed, duration expressions and their functions (step(), range(), start(), end(), min_of(), max_of())',
    applies: (_s, cmd) =>
      /(?<!@\s*)\b(start|end)\(\)|\b(min_of|max_of)\s*\(/.test(cmd.expr) ||
      /\b(info|fill|fill_left|fill_right)\s*\(|\b(anchored|smoothed)\b|\b(step|range)\(\)|\[[^\]]*[-+*/%^][^\]]*\]/.test(
        cmd.expr,
      ),
  },
];

/** SKIPPED_CASES are single cases, keyed `file:line` of their eval command, with the reason. */
export const SKIPPED_CASES: ReadonlyMap<string, string> = new Map([
  ['operators.test:292', 'selects native histogram series too (expects their "ignored histogram" info)'],
]);

/** skipReason tells why a case is skipped, or null when it must run. */
export function skipReason(state: ScriptState, cmd: EvalCmd): string | null {
  const single = SKIPPED_CASES.get(`${state.file}:${cmd.line}`);
  if (single !== undefined) return single;
  for (const r of SKIP_RULES) if (r.applies(state, cmd)) return r.reason;
  return null;
}

/**
 * readsHistograms tells whether the query would read a native histogram point: some selector matches a series
 * with such a point inside the time range the engine fetches for it (widened by the runner's extra runs:
 * the range-mode check at t±1m).
 */
function readsHistograms(state: ScriptState, cmd: EvalCmd): boolean {
  if (state.histogramSeries.length === 0) return false;
  let expr: Expr;
  try {
    expr = parseExpr(cmd.expr);
  } catch {
    return false;
  }
  const widen = cmd.instant ? 60_000 : 0;
  const plans = planSelections(expr, {
    start: cmd.start - widen,
    end: cmd.end + widen,
    step: cmd.step,
    lookbackMs: 5 * 60_000,
  });
  return plans.some((p) =>
    state.histogramSeries.some(
      (h) => matchesAll(p.selector.matchers, h.labels) && h.times.some((t) => t >= p.mint && t <= p.maxt),
    ),
  );
}
