import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import type { VigieConfig } from '../config/api';
import type { TelegramSetup, TelegramTarget } from '../notify/api';
import type { Secrets } from '../secrets/api';
import type { DocumentStore, StoredDocument } from '../state/api';
import { Access } from './access';
import type { PackRuleView, RuleEditor, WebDeps } from './api';
import { addRuleRoutes } from './routes-rules';
import { addSettingsRoutes } from './routes-settings';

/** mapStore is a DocumentStore in memory. */
function mapStore(): DocumentStore {
  const m = new Map<string, StoredDocument>();
  return {
    list: async (kind) =>
      [...m.entries()]
        .filter(([k]) => k.startsWith(`${kind}/`))
        .map(([, d]) => d)
        .sort((a, b) => a.id.localeCompare(b.id)),
    get: async (kind, id) => m.get(`${kind}/${id}`),
    put: async (kind, id, doc) => {
      const d = { id, doc: structuredClone(doc), updated: Date.now() };
      m.set(`${kind}/${id}`, d);
      return d;
    },
    delete: async (kind, id) => m.delete(`${kind}/${id}`),
  };
}

function mapSecrets(): Secrets & { raw: Map<string, string> } {
  const raw = new Map<string, string>();
  return {
    raw,
    get: (n) => raw.get(n),
    set: (n, v) => void raw.set(n, v),
    delete: (n) => void raw.delete(n),
    names: () => [...raw.keys()],
  };
}

const TOKEN = '123456:SECRET-token';

/** fakeTelegram accepts TOKEN only and records what it was asked. */
function fakeTelegram(): TelegramSetup & { sent: { t: TelegramTarget; chat: number }[] } {
  const sent: { t: TelegramTarget; chat: number }[] = [];
  const check = (t: TelegramTarget): void => {
    if (t.token !== TOKEN) throw new Error('Telegram refused the token: check it with @BotFather');
  };
  return {
    sent,
    getMe: async (t) => (check(t), { id: 1, username: 'vigie_bot' }),
    findChat: async (t) => (check(t), { chatId: 4242, title: 'Lab' }),
    sendTest: async (t, chat) => void (check(t), sent.push({ t, chat })),
  };
}

const PACK: PackRuleView[] = [
  { key: 'cpu_saturated', alert: 'HostCpuSaturated', expr: 'x', op: '>', enabled: true, warn: 85, forMs: 1 },
];

function fakeEditor(): RuleEditor & { applied: Parameters<RuleEditor['apply']>[0][]; refuse?: string } {
  const e: RuleEditor & { applied: Parameters<RuleEditor['apply']>[0][]; refuse?: string } = {
    applied: [],
    async apply(change) {
      if (e.refuse !== undefined) throw new Error(e.refuse);
      e.applied.push(change);
    },
    pack: () => PACK,
  };
  return e;
}

function setup() {
  const documents = mapStore();
  const secrets = mapSecrets();
  const access = new Access(secrets, { scrypt: { N: 1024, r: 8, p: 1 } });
  const telegram = fakeTelegram();
  const ruleEditor = fakeEditor();
  const config = {
    storage: { retention: 15 * 86_400_000 },
    alerting: {
      route: { receiver: 'team', continue: false, matchers: [], routes: [] },
      receivers: [
        {
          name: 'team',
          telegram_configs: [{ chat_id: 1, bot_token: 'config-secret', send_resolved: true }],
          webhook_configs: [],
          desktop_configs: [],
        },
      ],
    },
  } as unknown as VigieConfig;
  const retention: number[] = [];
  const reloads: string[] = [];
  const reloadFails: { message?: string } = {};
  const deps = {
    setRetention: (ms: number) => retention.push(ms),
    // The notifier's reload reads what was stored: the token at the moment it runs.
    onAlertingSettingsChanged: async () => {
      if (reloadFails.message !== undefined) throw new Error(reloadFails.message);
      reloads.push(secrets.get('telegram.bot_token') ?? '(none)');
    },
    documents,
    secrets,
    access,
    ruleEditor,
    config: () => config,
    alerting: { rules: { groups: () => [], alerts: () => [] }, telegram },
  } as unknown as WebDeps;
  const app = new Hono();
  addRuleRoutes(app, documents, ruleEditor);
  addSettingsRoutes(app, deps);
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await app.fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
    const text = await r.text();
    return { status: r.status, text, body: JSON.parse(text) as { data: never; error: string } };
  };
  return { call, secrets, telegram, ruleEditor, documents, retention, reloads, reloadFails };
}

test('a threshold rule is checked, applied to the running rules, stored and listed', async () => {
  const { call, ruleEditor } = setup();
  const rule = { name: 'HighLoad', expr: 'node_load1', op: '>', warn: 2, critical: 4, for: '5m' };
  const put = await call('PUT', '/api/vigie/rules/thresholds/high-load', rule);
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(ruleEditor.applied.at(-1)!.thresholds, [
    { name: 'HighLoad', expr: 'node_load1', op: '>', warn: 2, critical: 4, for: 300_000, enabled: true },
  ]);
  const list = await call('GET', '/api/vigie/rules/thresholds');
  assert.deepEqual(list.body.data, [{ ...rule, id: 'high-load', enabled: true }]);

  const bad = await call('PUT', '/api/vigie/rules/thresholds/x', { ...rule, expr: 'rate(node_load1' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /^expr: /);
  const noThreshold = await call('PUT', '/api/vigie/rules/thresholds/x', {
    ...rule,
    warn: null,
    critical: null,
  });
  assert.match(noThreshold.body.error, /warning or a critical threshold/);
  const badFor = await call('PUT', '/api/vigie/rules/thresholds/x', { ...rule, for: 'soon' });
  assert.match(badFor.body.error, /^for: "soon" is not a duration/);
  const badName = await call('PUT', '/api/vigie/rules/thresholds/x', { ...rule, name: 'high load' });
  assert.match(badName.body.error, /^name: /);

  ruleEditor.refuse = 'group "vigie-thresholds": boom';
  const refused = await call('PUT', '/api/vigie/rules/thresholds/other', { ...rule, name: 'Other' });
  assert.equal(refused.status, 400);
  assert.match(refused.body.error, /does not evaluate: .*boom/);
  ruleEditor.refuse = undefined;
  assert.equal(((await call('GET', '/api/vigie/rules/thresholds')).body.data as unknown[]).length, 1);

  assert.equal((await call('DELETE', '/api/vigie/rules/thresholds/high-load')).status, 200);
  assert.deepEqual(ruleEditor.applied.at(-1)!.thresholds, []);
  assert.equal((await call('DELETE', '/api/vigie/rules/thresholds/high-load')).status, 404);
});

test('Telegram set-up keeps the token in the secrets store and never returns a secret', async () => {
  const { call, secrets, telegram } = setup();
  const wrong = await call('PUT', '/api/vigie/settings/telegram', { token: 'nope', chat_id: 4242 });
  assert.equal(wrong.status, 400);
  assert.equal(secrets.raw.size, 0, 'a refused token is not stored');
  const saved = await call('PUT', '/api/vigie/settings/telegram', { token: TOKEN, chat_id: 4242 });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(secrets.get('telegram.bot_token'), TOKEN);
  // Later steps use the saved token when the form leaves it empty.
  assert.equal((await call('POST', '/api/vigie/settings/telegram/test', {})).status, 200);
  assert.deepEqual(telegram.sent, [{ t: { token: TOKEN }, chat: 4242 }]);
  const view = await call('GET', '/api/vigie/settings');
  assert.ok(!view.text.includes(TOKEN) && !view.text.includes('config-secret'), view.text);
  const v = view.body.data as { telegram: Record<string, unknown>; notify: { receivers: unknown[] } };
  assert.equal(v.telegram.tokenSet, true);
  assert.equal(v.telegram.chatId, 4242);
  assert.equal(v.telegram.botUsername, 'vigie_bot');
  assert.equal((await call('DELETE', '/api/vigie/settings/telegram')).status, 200);
  assert.equal(secrets.get('telegram.bot_token'), undefined);
});

test('saving or removing the Telegram chat applies it to the running notifier after it is stored', async () => {
  const { call, reloads, reloadFails } = setup();
  assert.equal(
    (await call('PUT', '/api/vigie/settings/telegram', { token: 'nope', chat_id: 1 })).status,
    400,
  );
  assert.deepEqual(reloads, [], 'a refused token changes nothing');
  const saved = await call('PUT', '/api/vigie/settings/telegram', { token: TOKEN, chat_id: 4242 });
  assert.equal((saved.body.data as { live: boolean }).live, true);
  const removed = await call('DELETE', '/api/vigie/settings/telegram');
  assert.equal((removed.body.data as { live: boolean }).live, true);
  assert.deepEqual(reloads, [TOKEN, '(none)']);
  // A failing reload keeps the saved settings and says so.
  reloadFails.message = 'boom';
  const failed = await call('PUT', '/api/vigie/settings/telegram', { token: TOKEN, chat_id: 4242 });
  assert.equal(failed.status, 200);
  assert.deepEqual(failed.body.data, {
    botUsername: 'vigie_bot',
    chatId: 4242,
    tokenSet: true,
    live: false,
    applyError: 'saved, but not applied until restart: boom',
  });
});

test('LAN sharing needs a password; tokens are shown once and revocable', async () => {
  const { call, secrets } = setup();
  assert.equal((await call('PUT', '/api/vigie/settings/sharing', { enabled: true })).status, 400);
  assert.equal((await call('PUT', '/api/vigie/settings/password', { password: 'short' })).status, 400);
  assert.equal((await call('PUT', '/api/vigie/settings/password', { password: 'long enough' })).status, 200);
  assert.equal((await call('PUT', '/api/vigie/settings/sharing', { enabled: true })).status, 200);
  const made = await call('POST', '/api/vigie/settings/tokens', { name: 'Hall' });
  const { token, id } = made.body.data as { token: string; id: string };
  assert.match(token, /^vro_/);
  const view = await call('GET', '/api/vigie/settings');
  assert.ok(!view.text.includes(token));
  assert.ok(![...secrets.raw.values()].some((s) => s.includes(token) || s.includes('long enough')));
  assert.deepEqual(
    (view.body.data as { sharing: { enabled: boolean; tokens: { name: string }[] } }).sharing.tokens.map(
      (t) => t.name,
    ),
    ['Hall'],
  );
  assert.equal((await call('DELETE', `/api/vigie/settings/tokens/${id}`)).status, 200);
  assert.equal((await call('DELETE', `/api/vigie/settings/tokens/${id}`)).status, 404);
});

test('retention and default-pack changes are checked before they are kept', async () => {
  const { call, ruleEditor, retention } = setup();
  assert.match((await call('PUT', '/api/vigie/settings/retention', { days: 0 })).body.error, /^days:/);
  assert.equal((await call('PUT', '/api/vigie/settings/retention', { days: 30 })).body.data, 30);
  assert.deepEqual(retention, [30 * 86_400_000], 'applied to the running storage');
  assert.equal((await call('PUT', '/api/vigie/settings/retention', { days: null })).body.data, null);
  assert.deepEqual(retention.at(-1), 15 * 86_400_000, 'back to the config file');
  assert.equal((await call('PUT', '/api/vigie/settings/retention', { days: 30 })).status, 200);
  const unknown = await call('PUT', '/api/vigie/settings/default-pack', { nope: {} });
  assert.match(unknown.body.error, /nope: not a rule of the default pack/);
  const badNum = await call('PUT', '/api/vigie/settings/default-pack', { cpu_saturated: { warn: 'x' } });
  assert.match(badNum.body.error, /cpu_saturated.warn: expected a number/);
  const ok = await call('PUT', '/api/vigie/settings/default-pack', {
    cpu_saturated: { enabled: true, warn: 70, critical: 90, forMs: 60_000 },
  });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ruleEditor.applied.at(-1)!.pack, {
    cpu_saturated: { enabled: true, warn: 70, critical: 90, for: 60_000 },
  });
  const view = (await call('GET', '/api/vigie/settings')).body.data as { retention: { days: number } };
  assert.equal(view.retention.days, 30);
});
