import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { LABEL_NAME_RE, METRIC_NAME_RE, type Labels } from '../common/labels';
import { parseDuration } from '../config/api';
import { formatQuery } from '../promql/api';
import { CompiledTemplate } from './template';

/** RuleDef is one rule of a group, as written in a Prometheus rule file, checked and with templates compiled. */
export interface RuleDef {
  kind: 'alert' | 'record';
  /** name is the alert name or the recorded metric name. */
  name: string;
  expr: string;
  /** forMs and keepFiringForMs are 0 when absent. */
  forMs: number;
  keepFiringForMs: number;
  labels: Labels;
  annotations: Labels;
  /** line of the rule in its file, for messages. */
  line: number;
}

/** GroupDef is one rule group: evaluated together, in order, every interval. */
export interface GroupDef {
  file: string;
  name: string;
  /** intervalMs is undefined when the group inherits global.evaluation_interval. */
  intervalMs?: number;
  /** limit caps the alerts (or series) one rule may produce; 0 means none. */
  limit: number;
  rules: RuleDef[];
}

/** RuleProblem is one thing wrong with a rule file, located as precisely as the text allows. */
export interface RuleProblem {
  file: string;
  line: number;
  col: number;
  group?: string;
  /** rule is the rule's index (0-based) and name within its group. */
  rule?: { index: number; name: string };
  message: string;
}

/** formatRuleProblem renders `file:line:col: group "g", rule 2 ("HostDown"): message`. */
export function formatRuleProblem(p: RuleProblem): string {
  let where = `${p.file}:${p.line}:${p.col}`;
  if (p.group !== undefined) where += `: group "${p.group}"`;
  if (p.rule !== undefined)
    where += `, rule ${p.rule.index + 1}${p.rule.name === '' ? '' : ` (${JSON.stringify(p.rule.name)})`}`;
  return `${where}: ${p.message}`;
}

/** RuleFileError lists every problem of one or more rule files, one per line. */
export class RuleFileError extends Error {
  constructor(readonly problems: readonly RuleProblem[]) {
    super(problems.map(formatRuleProblem).join('\n'));
    this.name = 'RuleFileError';
  }
}

const GROUP_KEYS = new Set(['name', 'interval', 'limit', 'rules']);
const RULE_KEYS = new Set(['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);

/**
 * parseRuleFile reads a Prometheus rule file (the same checks as `promtool check rules` of Prometheus 2.42:
 * strict keys, one of record/alert, a parsable expr, valid names, durations and templates). Throws
 * RuleFileError listing every problem with its line, group and rule.
 */
export async function parseRuleFile(text: string, file: string): Promise<GroupDef[]> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: RuleProblem[] = [];
  const pos = (n: Node | null | undefined): { line: number; col: number } => {
    const p = lines.linePos(n?.range?.[0] ?? 0);
    return { line: p.line, col: p.col };
  };
  for (const e of doc.errors) {
    const p = lines.linePos(e.pos[0]);
    problems.push({ file, line: p.line, col: p.col, message: e.message.split('\n')[0]! });
  }
  if (problems.length > 0) throw new RuleFileError(problems);
  const groups: GroupDef[] = [];
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return groups;
  if (!isMap(root))
    throw new RuleFileError([{ file, ...pos(root), message: 'expected a mapping with "groups"' }]);
  for (const pair of root.items) {
    const key = keyOf(pair);
    if (key !== 'groups')
      problems.push({
        file,
        ...pos(pair.key as Node),
        message: `field ${key} not found in type rulefmt.RuleGroups`,
      });
  }
  const groupsNode = root.get('groups', true) as Node | undefined;
  const seen = new Map<string, number>();
  const checks: Promise<void>[] = [];
  if (groupsNode !== undefined && !(isScalar(groupsNode) && groupsNode.value === null)) {
    if (!isSeq(groupsNode)) problems.push({ file, ...pos(groupsNode), message: 'groups must be a list' });
    else
      for (const gNode of groupsNode.items as Node[]) {
        if (!isMap(gNode)) {
          problems.push({ file, ...pos(gNode), message: 'a group must be a mapping' });
          continue;
        }
        const nameNode = gNode.get('name', true) as Node | undefined;
        const name = scalarText(nameNode) ?? '';
        const at = (n: Node | null | undefined, message: string, rule?: RuleProblem['rule']): void => {
          problems.push({ file, ...pos(n ?? gNode), group: name === '' ? undefined : name, rule, message });
        };
        for (const pair of gNode.items) {
          const k = keyOf(pair);
          if (!GROUP_KEYS.has(k)) at(pair.key as Node, `field ${k} not found in type rulefmt.RuleGroup`);
        }
        if (name === '') at(nameNode, 'Groupname must not be empty');
        else if (seen.has(name)) at(nameNode, `groupname: "${name}" is repeated in the same file`);
        seen.set(name, groups.length);
        const group: GroupDef = { file, name, limit: 0, rules: [] };
        const interval = gNode.get('interval', true) as Node | undefined;
        if (interval !== undefined) {
          const ms = durationOf(interval);
          if (ms === undefined)
            at(interval, `not a valid duration string: ${JSON.stringify(scalarText(interval))}`);
          else if (ms > 0) group.intervalMs = ms;
        }
        const limit = gNode.get('limit', true) as Node | undefined;
        if (limit !== undefined) {
          const v = isScalar(limit) ? limit.value : undefined;
          if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
            at(limit, 'limit must be a non-negative integer');
          else group.limit = v;
        }
        const rulesNode = gNode.get('rules', true) as Node | undefined;
        if (rulesNode !== undefined && !(isScalar(rulesNode) && rulesNode.value === null)) {
          if (!isSeq(rulesNode)) at(rulesNode, 'rules must be a list');
          else
            (rulesNode.items as Node[]).forEach((rNode, index) => {
              const rule = parseRule(rNode, index, pos, at, checks);
              if (rule !== undefined) group.rules.push(rule);
            });
        }
        groups.push(group);
      }
  }
  await Promise.all(checks);
  if (problems.length > 0) throw new RuleFileError(problems.sort((a, b) => a.line - b.line || a.col - b.col));
  return groups;
}

type At = (n: Node | null | undefined, message: string, rule?: RuleProblem['rule']) => void;

function parseRule(
  rNode: Node,
  index: number,
  pos: (n: Node) => { line: number; col: number },
  groupAt: At,
  checks: Promise<void>[],
): RuleDef | undefined {
  if (!isMap(rNode)) {
    groupAt(rNode, 'a rule must be a mapping', { index, name: '' });
    return undefined;
  }
  const record = scalarText(rNode.get('record', true) as Node | undefined) ?? '';
  const alert = scalarText(rNode.get('alert', true) as Node | undefined) ?? '';
  const ref = { index, name: alert || record };
  const at = (n: Node | null | undefined, m: string): void => groupAt(n ?? rNode, m, ref);
  let ok = true;
  const fail = (n: Node | null | undefined, m: string): void => {
    ok = false;
    at(n, m);
  };
  for (const pair of rNode.items) {
    const k = keyOf(pair);
    if (!RULE_KEYS.has(k)) fail(pair.key as Node, `field ${k} not found in type rulefmt.RuleNode`);
  }
  if (record !== '' && alert !== '') fail(rNode, "only one of 'record' and 'alert' must be set");
  if (record === '' && alert === '') fail(rNode, "one of 'record' or 'alert' must be set");
  const exprNode = rNode.get('expr', true) as Node | undefined;
  const expr = scalarText(exprNode) ?? '';
  if (expr === '') fail(exprNode, "field 'expr' must be set in rule");
  else
    checks.push(
      formatQuery(expr).then(
        () => undefined,
        (e: unknown) =>
          fail(exprNode, `could not parse expression: ${e instanceof Error ? e.message : String(e)}`),
      ),
    );
  const durationField = (key: string): number => {
    const n = rNode.get(key, true) as Node | undefined;
    if (n === undefined) return 0;
    const ms = durationOf(n);
    if (ms === undefined) {
      fail(n, `not a valid duration string: ${JSON.stringify(scalarText(n))}`);
      return 0;
    }
    return ms;
  };
  const forMs = durationField('for');
  const keepFiringForMs = durationField('keep_firing_for');
  const labels = stringMap(rNode.get('labels', true) as Node | undefined, 'labels', fail);
  const annotations = stringMap(rNode.get('annotations', true) as Node | undefined, 'annotations', fail);
  if (record !== '') {
    if (Object.keys(annotations).length > 0)
      fail(rNode.get('annotations', true) as Node, "invalid field 'annotations' in recording rule");
    if (forMs !== 0) fail(rNode.get('for', true) as Node, "invalid field 'for' in recording rule");
    if (keepFiringForMs !== 0)
      fail(rNode.get('keep_firing_for', true) as Node, "invalid field 'keep_firing_for' in recording rule");
    if (!METRIC_NAME_RE.test(record))
      fail(rNode.get('record', true) as Node, `invalid recording rule name: ${record}`);
  }
  for (const k of Object.keys(labels)) {
    if (!LABEL_NAME_RE.test(k) || k === '__name__')
      fail(rNode.get('labels', true) as Node, `invalid label name: ${k}`);
  }
  for (const k of Object.keys(annotations))
    if (!LABEL_NAME_RE.test(k)) fail(rNode.get('annotations', true) as Node, `invalid annotation name: ${k}`);
  if (alert !== '') {
    const tmplName = `__alert_${alert}`;
    for (const [kind, map] of [
      ['label', labels],
      ['annotation', annotations],
    ] as const)
      for (const [k, v] of Object.entries(map)) {
        try {
          CompiledTemplate.compile(tmplName, v);
        } catch (e) {
          fail(
            rNode.get(kind === 'label' ? 'labels' : 'annotations', true) as Node,
            `${kind} "${k}": ${e instanceof Error ? e.message : String(e)}`,
          );
        }
      }
  }
  void pos;
  if (!ok) return undefined;
  return {
    kind: alert !== '' ? 'alert' : 'record',
    name: alert || record,
    expr,
    forMs,
    keepFiringForMs,
    labels,
    annotations,
    line: pos(rNode).line,
  };
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

/** scalarText reads a scalar as text (YAML `5` where a string is expected is accepted, as Go's decoder does). */
function scalarText(n: Node | null | undefined): string | undefined {
  if (n === undefined || n === null || !isScalar(n) || n.value === null) return undefined;
  return String(n.value);
}

function durationOf(n: Node): number | undefined {
  const t = scalarText(n);
  return t === undefined ? undefined : parseDuration(t);
}

function stringMap(
  n: Node | undefined,
  what: string,
  fail: (n: Node | undefined, m: string) => void,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (n === undefined || (isScalar(n) && n.value === null)) return out;
  if (!isMap(n)) {
    fail(n, `${what} must be a mapping of names to strings`);
    return out;
  }
  for (const pair of n.items) {
    const v = pair.value as Node | null;
    const text = v === null ? '' : scalarText(v);
    if (text === undefined) fail(v ?? undefined, `${what}.${keyOf(pair)} must be a string`);
    else out[keyOf(pair)] = text;
  }
  return out;
}
