// settings-doc.ts: the settings the UI edits, as stored in the DocumentStore — their shape, checks and
// defaults. The web routes write them; the appliance's wiring reads them at start to apply them.
import { z } from 'zod';
import type { PackSettingConfig, ThresholdRuleConfig } from '../config/api';
import type { DocumentStore } from '../state/api';

/** SETTINGS_KIND / SETTINGS_ID locate the one settings document; THRESHOLDS_KIND the threshold rules. */
export const SETTINGS_KIND = 'settings';
export const SETTINGS_ID = 'appliance';
export const THRESHOLDS_KIND = 'threshold-rules';

/** TELEGRAM_TOKEN names the bot token in the Secrets store (never in the settings document). */
export const TELEGRAM_TOKEN = 'telegram.bot_token';

/** UiSettings is the settings document. Secrets are not in it: they live in the Secrets store. */
export interface UiSettings {
  telegram?: { chatId?: number; chatTitle?: string; apiUrl?: string; botUsername?: string };
  /** retentionDays overrides storage.retention of the config file (applied at the next start). */
  retentionDays?: number;
  /** defaultPack overrides the default rule pack's settings by rule key (`for` in ms). */
  defaultPack?: Record<string, PackSettingConfig>;
}

/** loadUiSettings reads the settings document (empty when never saved). */
export async function loadUiSettings(store: DocumentStore): Promise<UiSettings> {
  const d = await store.get(SETTINGS_KIND, SETTINGS_ID);
  return (d?.doc as UiSettings | undefined) ?? {};
}

/** saveUiSettings merges a change into the settings document. */
export async function saveUiSettings(store: DocumentStore, change: Partial<UiSettings>): Promise<UiSettings> {
  const next = { ...(await loadUiSettings(store)), ...change };
  for (const k of Object.keys(next) as (keyof UiSettings)[]) if (next[k] === undefined) delete next[k];
  await store.put(SETTINGS_KIND, SETTINGS_ID, next);
  return next;
}

/** ALERT_NAME is what Prometheus accepts as an alert name. */
const ALERT_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** thresholdRuleSchema checks one threshold rule as the UI sends it (`for` in ms after parsing). */
export const thresholdRuleSchema = z
  .strictObject({
    name: z.string().regex(ALERT_NAME, { message: 'name: letters, digits, _ and : only, e.g. HighLoad' }),
    expr: z.string().trim().min(1, { message: 'expr: a PromQL expression is required' }).max(10_000),
    op: z.enum(['>', '>=', '<', '<=']),
    warn: z.number().finite().optional(),
    critical: z.number().finite().optional(),
    for: z
      .number()
      .int()
      .nonnegative()
      .max(7 * 24 * 3600_000),
    summary: z.string().max(1000).optional(),
    enabled: z.boolean(),
  })
  .refine((r) => r.warn !== undefined || r.critical !== undefined, {
    message: 'give a warning or a critical threshold (or both)',
  });

/** loadThresholdRules reads the UI's threshold rules with their ids, in id order. */
export async function loadThresholdRules(
  store: DocumentStore,
): Promise<(ThresholdRuleConfig & { id: string })[]> {
  return (await store.list(THRESHOLDS_KIND)).map((d) => ({ ...(d.doc as ThresholdRuleConfig), id: d.id }));
}
