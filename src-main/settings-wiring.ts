// settings-wiring.ts: part of the wiring (appliance.ts) — applies what the Settings and Rules pages
// stored (DocumentStore + Secrets) over the configuration file: the UI's threshold rules and default-pack
// overrides (live, through the rule manager), retention and the Telegram chat (live, through the notifier's reload).
import { join } from 'node:path';
import type { AlertingConfig, PackSettingConfig, RulesConfig, ThresholdRuleConfig } from './config/api';
import type { RuleManager } from './rules/api';
import { builtinGroups } from './rules/builtin';
import { DEFAULT_PACK_SETTINGS, defaultPackRules } from './rules/default-pack';
import type { GroupDef } from './rules/rule-file';
import type { Secrets } from './secrets/api';
import { PLAIN_CODEC, SecretStore } from './secrets/secret-store';
import type { DocumentStore } from './state/api';
import { Access } from './web/access';
import type { PackRuleView, RuleEditor } from './web/api';
import { loadThresholdRules, loadUiSettings, TELEGRAM_TOKEN, type UiSettings } from './web/settings-doc';

const DAY = 24 * 3600_000;

/** UiState is what the pages stored, read once at start, and the rule parts kept current after. */
export interface UiState {
  secrets: Secrets;
  access: Access;
  settings: UiSettings;
  /** builtin gives the rule manager its file-less groups: default pack and threshold rules, UI included. */
  builtin(): GroupDef[];
  /** editor connects the Rules and Settings pages to a started rule manager; ruleFiles change on reload. */
  editor(rules: Pick<RuleManager, 'update'>, ruleFiles: () => readonly string[]): RuleEditor;
  /** useConfigRules swaps in a reloaded file's `rules:` section under what the pages stored. */
  useConfigRules(rules: RulesConfig): void;
}

/**
 * openSecrets is the headless secrets file: plain, owner-only (0600), under the data folder's state/.
 * The desktop app passes its own safeStorage-encrypted store instead.
 */
export function openHeadlessSecrets(dataDir: string): Secrets {
  return new SecretStore(join(dataDir, 'state', 'secrets.json'), PLAIN_CODEC);
}

/** loadUiState reads the stored settings and threshold rules. */
export async function loadUiState(
  documents: DocumentStore,
  secrets: Secrets,
  fileRules: RulesConfig,
): Promise<UiState> {
  let rules = fileRules;
  const settings = await loadUiSettings(documents);
  let thresholds: ThresholdRuleConfig[] = (await loadThresholdRules(documents)).map(({ id: _id, ...r }) => r);
  let pack: Record<string, PackSettingConfig> = settings.defaultPack ?? {};
  const effective = (): RulesConfig => ({
    default_pack: {
      enabled: rules.default_pack.enabled,
      settings: mergePack(rules.default_pack.settings, pack),
    },
    threshold_rules: [...rules.threshold_rules, ...thresholds],
    window_cache: rules.window_cache,
    shared_results: rules.shared_results,
  });
  return {
    secrets,
    access: new Access(secrets),
    settings,
    builtin: () => builtinGroups(effective()),
    editor: (manager, ruleFiles) => ({
      async apply(change) {
        const before = { thresholds, pack };
        if (change.thresholds !== undefined) thresholds = change.thresholds;
        if (change.pack !== undefined) pack = change.pack;
        try {
          await manager.update(ruleFiles());
        } catch (e) {
          ({ thresholds, pack } = before);
          throw e;
        }
      },
      pack: () => packView(effective()),
    }),
    useConfigRules: (r) => {
      rules = r;
    },
  };
}

function mergePack(
  base: Record<string, PackSettingConfig>,
  over: Record<string, PackSettingConfig>,
): Record<string, PackSettingConfig> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = { ...base[k], ...v };
  return out;
}

/** packView lists the default pack's rules with their effective settings. */
function packView(cfg: RulesConfig): PackRuleView[] {
  if (!cfg.default_pack.enabled) return [];
  const keys = Object.keys(DEFAULT_PACK_SETTINGS);
  const settings: Record<string, { enabled?: boolean; warn?: number; critical?: number; forMs?: number }> =
    {};
  for (const [k, v] of Object.entries(cfg.default_pack.settings))
    settings[k] = {
      ...(v.enabled !== undefined ? { enabled: v.enabled } : {}),
      ...(v.warn !== undefined ? { warn: v.warn } : {}),
      ...(v.critical !== undefined ? { critical: v.critical } : {}),
      ...(v.for !== undefined ? { forMs: v.for } : {}),
    };
  return defaultPackRules(settings).map((r, i) => ({
    key: keys[i]!,
    alert: r.name,
    expr: r.expr,
    op: r.op,
    enabled: r.enabled !== false,
    ...(r.warn !== undefined ? { warn: r.warn } : {}),
    ...(r.critical !== undefined ? { critical: r.critical } : {}),
    forMs: r.forMs,
  }));
}

/** retentionMs is the storage retention: the Settings page's days over the configuration file's. */
export function retentionMs(settings: UiSettings, configMs: number): number {
  return settings.retentionDays !== undefined ? settings.retentionDays * DAY : configMs;
}

/**
 * currentAlerting is effectiveAlerting with the settings as stored now: what the notifier reloads after the
 * Settings page saved or removed the Telegram chat.
 */
export async function currentAlerting(
  a: AlertingConfig,
  documents: DocumentStore,
  secrets: Secrets,
): Promise<AlertingConfig> {
  return effectiveAlerting(a, await loadUiSettings(documents), secrets);
}

/**
 * effectiveAlerting adds the Telegram chat set up in the Settings page to the root route's default
 * receiver, unless the configuration already sends to that bot (two pollers of one bot would conflict).
 */
export function effectiveAlerting(a: AlertingConfig, settings: UiSettings, secrets: Secrets): AlertingConfig {
  const token = secrets.get(TELEGRAM_TOKEN);
  const chatId = settings.telegram?.chatId;
  const name = a.route.receiver;
  if (token === undefined || chatId === undefined || name === undefined) return a;
  if (a.receivers.some((r) => r.telegram_configs.some((t) => t.bot_token === token))) return a;
  return {
    ...a,
    receivers: a.receivers.map((r) =>
      r.name !== name
        ? r
        : {
            ...r,
            telegram_configs: [
              ...r.telegram_configs,
              {
                send_resolved: true,
                ...(settings.telegram?.apiUrl !== undefined ? { api_url: settings.telegram.apiUrl } : {}),
                bot_token: token,
                chat_id: chatId,
                disable_notifications: false,
                parse_mode: 'HTML',
                allowed_user_ids: [],
              },
            ],
          },
    ),
  };
}
