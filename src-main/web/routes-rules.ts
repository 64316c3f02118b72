// routes-rules.ts: the Rules page's API — the UI's threshold rules, stored in the DocumentStore and
// applied to the running rule manager at once (the loaded groups are read through /api/v1/rules).
import type { Hono } from 'hono';
import { formatDuration, parseDuration, type ThresholdRuleConfig } from '../config/api';
import { formatQuery } from '../promql/api';
import type { DocumentStore } from '../state/api';
import type { RuleEditor } from './api';
import { loadThresholdRules, thresholdRuleSchema, THRESHOLDS_KIND } from './settings-doc';
import { jsonBody as body, ok, refuse as fail } from './route-helpers';

/** RULE_ID is a threshold rule's id: what the UI derives from its name. */
const RULE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** ruleJson is a stored rule as the API shows it: `for` as a duration text ("5m"). */
function ruleJson(r: ThresholdRuleConfig & { id: string }): Record<string, unknown> {
  return { ...r, for: formatDuration(r.for) };
}

/**
 * parseRule checks a rule sent by the UI: its fields (each error names the field), a `for` duration
 * ("5m"), and the expression's PromQL syntax. Returns the rule or an error text.
 */
export async function parseRule(body: unknown): Promise<ThresholdRuleConfig | string> {
  if (body === null || typeof body !== 'object') return 'body: expected a JSON object';
  const b = { ...(body as Record<string, unknown>) };
  if (b.for === undefined || b.for === '') b.for = 0;
  else if (typeof b.for === 'string') {
    const ms = parseDuration(b.for);
    if (ms === undefined) return `for: "${b.for}" is not a duration (e.g. 30s, 5m, 1h)`;
    b.for = ms;
  }
  if (b.enabled === undefined) b.enabled = true;
  for (const k of ['warn', 'critical'] as const) if (b[k] === null || b[k] === '') delete b[k];
  const r = thresholdRuleSchema.safeParse(b);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join('.');
    return field === '' || issue.message.startsWith(`${field}:`)
      ? issue.message
      : `${field}: ${issue.message}`;
  }
  try {
    await formatQuery(r.data.expr);
  } catch (e) {
    return `expr: ${(e as Error).message}`;
  }
  return r.data as ThresholdRuleConfig;
}

/**
 * addRuleRoutes serves GET /api/vigie/rules/thresholds and PUT / DELETE /api/vigie/rules/thresholds/{id}.
 * A PUT is applied to the running rules first and stored only when they accept it, so a stored rule is
 * always one that evaluates.
 */
export function addRuleRoutes(
  app: Hono,
  store: DocumentStore | undefined,
  editor: RuleEditor | undefined,
): void {
  if (store === undefined || editor === undefined) return;
  const all = (): Promise<(ThresholdRuleConfig & { id: string })[]> => loadThresholdRules(store);
  const strip = (list: (ThresholdRuleConfig & { id: string })[]): ThresholdRuleConfig[] =>
    list.map(({ id: _id, ...r }) => r);

  app.get('/api/vigie/rules/thresholds', async () => ok((await all()).map(ruleJson)));
  app.put('/api/vigie/rules/thresholds/:id', async (c) => {
    const id = c.req.param('id');
    if (!RULE_ID.test(id)) return fail(400, `id "${id}": lower-case letters, digits, - and _ (at most 64)`);
    const rule = await parseRule(await body(c));
    if (typeof rule === 'string') return fail(400, rule);
    const next = [...(await all()).filter((r) => r.id !== id), { ...rule, id }];
    try {
      await editor.apply({ thresholds: strip(next) });
    } catch (e) {
      return fail(400, `the rule does not evaluate: ${(e as Error).message}`);
    }
    await store.put(THRESHOLDS_KIND, id, rule);
    return ok(ruleJson({ ...rule, id }));
  });
  app.delete('/api/vigie/rules/thresholds/:id', async (c) => {
    const id = c.req.param('id');
    const list = await all();
    if (!list.some((r) => r.id === id)) return fail(404, `no threshold rule "${id}"`);
    await editor.apply({ thresholds: strip(list.filter((r) => r.id !== id)) });
    await store.delete(THRESHOLDS_KIND, id);
    return ok({ deleted: id });
  });
}
