import { LABEL_NAME_RE, METRIC_NAME_RE } from '../common/labels';
import type { AtModifier, Expr, LabelMatcherNode, VectorMatching } from './ast';
import { formatDurationMs, quoteString } from './literals';

/** formatNumber prints a float as Go's %v does (Prometheus's NumberLiteral.String()). */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
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
  return `${name}{${rest.map((m) => `${formatLabelName(m.name)}${m.type}${quoteString(m.value)}`).join(', ')}}`;
}

function modifiers(at: AtModifier | null, offsetMs: number): string {
  let out = '';
  if (at !== null)
    out += at === 'start' ? ' @ start()' : at === 'end' ? ' @ end()' : ` @ ${(at / 1000).toFixed(3)}`;
  if (offsetMs !== 0) out += ` offset ${offsetMs < 0 ? '-' : ''}${formatDurationMs(Math.abs(offsetMs))}`;
  return out;
}

function formatMatching(m: VectorMatching): string {
  let out = '';
  if (m.card === 'many-to-many' && !m.written) return '';
  if (m.on || m.labels.length > 0 || m.card === 'many-to-one' || m.card === 'one-to-many')
    out += ` ${m.on ? 'on' : 'ignoring'} (${m.labels.map(formatLabelName).join(', ')})`;
  if (m.card === 'many-to-one' || m.card === 'one-to-many')
    out += ` ${m.card === 'many-to-one' ? 'group_left' : 'group_right'} (${m.include.map(formatLabelName).join(', ')})`;
  return out;
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
      return `${formatExpr(e.expr)}[${formatDurationMs(e.rangeMs)}:${e.stepMs ? formatDurationMs(e.stepMs) : ''}]${modifiers(e.at, e.offsetMs)}`;
    case 'call':
      return `${e.func}(${e.args.map(formatExpr).join(', ')})`;
    case 'aggregate': {
      const grouping = e.hasGrouping
        ? ` ${e.without ? 'without' : 'by'} (${e.grouping.map(formatLabelName).join(', ')}) `
        : '';
      const args = e.param !== null ? `${formatExpr(e.param)}, ${formatExpr(e.expr)}` : formatExpr(e.expr);
      return `${e.op}${grouping}(${args})`;
    }
    case 'binary':
      return `${formatExpr(e.lhs)} ${e.op}${e.bool ? ' bool' : ''}${formatMatching(e.matching)} ${formatExpr(e.rhs)}`;
  }
}
