import { LABEL_NAME_RE, METRIC_NAME_RE } from '../common/labels';
import type { AggregateExpr, AtModifier, Expr, LabelMatcherNode, SubqueryExpr, VectorMatching } from './ast';
import { formatDurationMs, quoteString } from './literals';

/**
 * formatNumber prints a float as Go's %v does (Prometheus's NumberLiteral.String() up to 3.4, and the
 * Prometheus 2.42 that Debian ships, which the format tests compare with): the shortest digits, in
 * exponent form below 1e-4 and from 1e6 up (`1e+06`).
 */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e6)) {
    const [m, e] = v.toExponential().split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[-+]/, '');
    return `${m}e${sign}${digits.padStart(2, '0')}`;
  }
  return String(v);
}

function formatLabelName(n: string): string {
  return LABEL_NAME_RE.test(n) ? n : quoteString(n);
}

function formatMatchers(name: string, ms: LabelMatcherNode[]): string {
  const nameMatcher = ms.find((m) => m.name === '__name__' && m.type === '=');
  if (name === '' && nameMatcher !== undefined && METRIC_NAME_RE.test(nameMatcher.value))
    name = nameMatcher.value;
  const rest = ms.filter(
    (m) => !(name !== '' && m.name === '__name__' && m.type === '=' && m.value === name),
  );
  if (rest.length === 0) return name;
  // Prometheus sorts the printed matchers and joins them without a space (VectorSelector.String()).
  const printed = rest.map((m) => `${formatLabelName(m.name)}${m.type}${quoteString(m.value)}`);
  return `${name}{${printed.sort().join(',')}}`;
}

function modifiers(at: AtModifier | null, offsetMs: number): string {
  let out = '';
  if (at !== null)
    out += at === 'start' ? ' @ start()' : at === 'end' ? ' @ end()' : ` @ ${(at / 1000).toFixed(3)}`;
  if (offsetMs !== 0) out += ` offset ${offsetMs < 0 ? '-' : ''}${formatDurationMs(Math.abs(offsetMs))}`;
  return out;
}

/** formatMatching prints a binary operator's `on`/`ignoring`/`group_*` part, with a leading space. */
export function formatMatching(m: VectorMatching): string {
  let out = '';
  if (m.card === 'many-to-many' && !m.written) return '';
  if (m.on || m.labels.length > 0 || m.card === 'many-to-one' || m.card === 'one-to-many')
    out += ` ${m.on ? 'on' : 'ignoring'} (${m.labels.map(formatLabelName).join(', ')})`;
  if (m.card === 'many-to-one' || m.card === 'one-to-many')
    out += ` ${m.card === 'many-to-one' ? 'group_left' : 'group_right'} (${m.include.map(formatLabelName).join(', ')})`;
  return out;
}

/** subquerySuffix prints a subquery's `[range:step]` and its modifiers (Go's getSubqueryTimeSuffix). */
export function subquerySuffix(e: SubqueryExpr): string {
  return `[${formatDurationMs(e.rangeMs)}:${e.stepMs ? formatDurationMs(e.stepMs) : ''}]${modifiers(e.at, e.offsetMs)}`;
}

/** aggregatePrefix prints an aggregation's operator and grouping, e.g. `sum by (job) ` (Go's getAggOpStr). */
export function aggregatePrefix(e: AggregateExpr): string {
  const grouping = e.hasGrouping
    ? ` ${e.without ? 'without' : 'by'} (${e.grouping.map(formatLabelName).join(', ')}) `
    : '';
  return e.op + grouping;
}

/** formatExpr prints an expression in Prometheus's canonical one-line form (for /api/v1/format_query). */
export function formatExpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return formatNumber(e.value);
    case 'string':
      return quoteString(e.value);
    case 'paren':
      return `(${formatExpr(e.expr)})`;
    case 'unary':
      return `${e.op}${formatExpr(e.expr)}`;
    case 'vectorSelector':
      return formatMatchers(e.name, e.matchers) + modifiers(e.at, e.offsetMs);
    case 'matrixSelector':
      return `${formatMatchers(e.vector.name, e.vector.matchers)}[${formatDurationMs(e.rangeMs)}]${modifiers(e.vector.at, e.vector.offsetMs)}`;
    case 'subquery':
      return formatExpr(e.expr) + subquerySuffix(e);
    case 'call':
      return `${e.func}(${e.args.map(formatExpr).join(', ')})`;
    case 'aggregate': {
      const args = e.param !== null ? `${formatExpr(e.param)}, ${formatExpr(e.expr)}` : formatExpr(e.expr);
      return `${aggregatePrefix(e)}(${args})`;
    }
    case 'binary':
      return `${formatExpr(e.lhs)} ${e.op}${e.bool ? ' bool' : ''}${formatMatching(e.matching)} ${formatExpr(e.rhs)}`;
  }
}
