import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertingConfig, RulesConfig } from './config/api';
import { defaultConfig } from './config/load';
import { JsonFileStore } from './state/json-file-store';
import { effectiveAlerting, loadUiState, openHeadlessSecrets, retentionMs } from './settings-wiring';
import type { GroupDef } from './rules/rule-file';

function tempDir(t: { after(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-wiring-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const RULES: RulesConfig = defaultConfig().rules;

test('stored threshold rules and pack overrides reach the rule groups; a refused change is rolled back', async (t) => {
  const dir = tempDir(t);
  const documents = new JsonFileStore({ path: join(dir, 'documents.json') });
  await documents.put('threshold-rules', 'high-load', {
    name: 'HighLoad',
    expr: 'node_load1',
    op: '>',
    warn: 2,
    for: 0,
    enabled: true,
  });
  await documents.put('settings', 'appliance', { defaultPack: { cpu_saturated: { warn: 70 } } });
  const ui = await loadUiState(documents, openHeadlessSecrets(dir), RULES);
  const exprs = (groups: GroupDef[]): string[] => groups.flatMap((g) => g.rules.map((r) => r.expr));
  assert.ok(exprs(ui.builtin()).includes('(node_load1) > 2'));
  assert.ok(
    exprs(ui.builtin()).some((e) => e.endsWith(') > 70')),
    'the pack override applies',
  );

  let fail = false;
  const seen: string[][] = [];
  const manager = {
    update: async () => {
      seen.push(exprs(ui.builtin()));
      if (fail) throw new Error('refused');
    },
  };
  const editor = ui.editor(manager, () => []);
  await editor.apply({
    thresholds: [{ name: 'Hot', expr: 'temp', op: '>=', critical: 90, for: 0, enabled: true }],
  });
  assert.ok(seen.at(-1)!.includes('(temp) >= 90'));
  assert.ok(!seen.at(-1)!.includes('(node_load1) > 2'));
  fail = true;
  await assert.rejects(editor.apply({ thresholds: [] }), /refused/);
  assert.ok(exprs(ui.builtin()).includes('(temp) >= 90'), 'the previous rules stay');
  assert.equal(editor.pack().find((p) => p.key === 'cpu_saturated')!.warn, 70);
});

test('the headless secrets file is owner-only, and the Telegram chat joins the default receiver', async (t) => {
  const dir = tempDir(t);
  const secrets = openHeadlessSecrets(dir);
  secrets.set('telegram.bot_token', '1:T');
  if (process.platform !== 'win32')
    assert.equal(statSync(join(dir, 'state', 'secrets.json')).mode & 0o777, 0o600);
  const alerting = {
    route: { receiver: 'vigie-desktop', continue: false, matchers: [], routes: [] },
    receivers: [{ name: 'vigie-desktop', telegram_configs: [], webhook_configs: [], desktop_configs: [{}] }],
  } as unknown as AlertingConfig;
  assert.equal(effectiveAlerting(alerting, {}, secrets), alerting, 'no chat yet: unchanged');
  const a = effectiveAlerting(alerting, { telegram: { chatId: 42, apiUrl: 'http://127.0.0.1:1' } }, secrets);
  assert.deepEqual(
    a.receivers[0]!.telegram_configs.map((c) => [c.chat_id, c.bot_token, c.api_url]),
    [[42, '1:T', 'http://127.0.0.1:1']],
  );
  assert.equal(retentionMs({ retentionDays: 2 }, 5), 2 * 86_400_000);
  assert.equal(retentionMs({}, 5), 5);
});
