// settings.ts: the Settings and Rules pages' calls — threshold rules, Telegram set-up, retention, the
// default rule pack, LAN sharing (password, read-only tokens) and login. Secrets only ever go to the server.
import { apiFetch } from './client';

const send = <T>(path: string, method: string, body?: unknown): Promise<T> =>
  apiFetch<T>(path, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

/** ThresholdOp is how the value compares to its thresholds. */
export type ThresholdOp = '>' | '>=' | '<' | '<=';

/** ThresholdRule is one of the UI's simple rules (`for` as a duration text, e.g. "5m"). */
export interface ThresholdRule {
  id: string;
  name: string;
  expr: string;
  op: ThresholdOp;
  warn?: number;
  critical?: number;
  for: string;
  summary?: string;
  enabled: boolean;
}

export function listThresholdRules(): Promise<ThresholdRule[]> {
  return apiFetch('/api/vigie/rules/thresholds');
}

export function saveThresholdRule(r: ThresholdRule): Promise<ThresholdRule> {
  const { id, ...body } = r;
  return send(`/api/vigie/rules/thresholds/${encodeURIComponent(id)}`, 'PUT', body);
}

export function deleteThresholdRule(id: string): Promise<unknown> {
  return send(`/api/vigie/rules/thresholds/${encodeURIComponent(id)}`, 'DELETE');
}

/** ruleId derives a rule's id from its alert name (lower-case, dashes). */
export function ruleId(name: string): string {
  return (
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[-_]+|-+$/g, '')
      .slice(0, 64) || 'rule'
  );
}

/** RouteNode is one node of the notification route tree. */
export interface RouteNode {
  receiver?: string;
  group_by?: string[];
  continue: boolean;
  matchers: string[];
  group_wait?: number;
  group_interval?: number;
  repeat_interval?: number;
  routes: RouteNode[];
}

/** Receiver is a notification receiver; bot tokens come back masked. */
export interface Receiver {
  name: string;
  telegram_configs: { chat_id: number; api_url?: string; bot_token?: string; send_resolved: boolean }[];
  webhook_configs: { url: string; send_resolved: boolean }[];
  desktop_configs: { send_resolved: boolean }[];
}

/** PackRule is one default-pack rule with its effective settings. */
export interface PackRule {
  key: string;
  alert: string;
  expr: string;
  op: string;
  enabled: boolean;
  warn?: number;
  critical?: number;
  forMs: number;
}

/** TokenInfo is a read-only token as listed (the token itself is shown once, at creation). */
export interface TokenInfo {
  id: string;
  name: string;
  created: number;
}

/** Settings is everything the Settings page shows. */
export interface Settings {
  telegram: {
    available: boolean;
    tokenSet: boolean;
    chatId?: number;
    chatTitle?: string;
    apiUrl?: string;
    botUsername?: string;
  };
  retention: { days: number | null; configMs: number; live: boolean };
  notify: { route: RouteNode; receivers: Receiver[] };
  pack: PackRule[];
  sharing: { available: boolean; enabled: boolean; hasPassword: boolean; tokens: TokenInfo[] };
}

export function getSettings(): Promise<Settings> {
  return apiFetch('/api/vigie/settings');
}

/** TelegramForm is what the set-up form sends; an empty token means "the saved one". */
export interface TelegramForm {
  token?: string;
  api_url?: string;
  chat_id?: number;
  chat_title?: string;
}

export function telegramCheck(f: TelegramForm): Promise<{ id: number; username: string }> {
  return send('/api/vigie/settings/telegram/check', 'POST', f);
}

export function telegramFindChat(
  f: TelegramForm,
): Promise<{ chatId: number; title: string; fromUserId?: number } | null> {
  return send('/api/vigie/settings/telegram/find-chat', 'POST', f);
}

export function telegramTest(f: TelegramForm): Promise<{ sent: boolean }> {
  return send('/api/vigie/settings/telegram/test', 'POST', f);
}

/** TelegramSaved says whether the running notifier took the change (live) or why not (applyError). */
export interface TelegramSaved {
  live?: boolean;
  applyError?: string;
}

export function telegramSave(f: TelegramForm): Promise<TelegramSaved> {
  return send('/api/vigie/settings/telegram', 'PUT', f) as Promise<TelegramSaved>;
}

export function telegramForget(): Promise<unknown> {
  return send('/api/vigie/settings/telegram', 'DELETE');
}

export function setRetention(days: number | null): Promise<number | null> {
  return send('/api/vigie/settings/retention', 'PUT', { days });
}

export function setDefaultPack(
  pack: Record<string, { enabled: boolean; warn?: number; critical?: number; forMs: number }>,
): Promise<PackRule[]> {
  return send('/api/vigie/settings/default-pack', 'PUT', pack);
}

export function setPassword(password: string): Promise<unknown> {
  return send('/api/vigie/settings/password', 'PUT', { password });
}

export function setSharing(enabled: boolean): Promise<{ enabled: boolean }> {
  return send('/api/vigie/settings/sharing', 'PUT', { enabled });
}

export function createToken(name: string): Promise<TokenInfo & { token: string }> {
  return send('/api/vigie/settings/tokens', 'POST', { name });
}

export function revokeToken(id: string): Promise<unknown> {
  return send(`/api/vigie/settings/tokens/${encodeURIComponent(id)}`, 'DELETE');
}

/** AuthState is who this browser is to the appliance. */
export interface AuthState {
  caller: 'local' | 'open' | 'session' | 'token';
  sharing: boolean;
  hasPassword: boolean;
  canWrite: boolean;
  loggedIn: boolean;
}

export function authState(): Promise<AuthState> {
  return apiFetch('/api/vigie/auth');
}

export function login(password: string): Promise<unknown> {
  return send('/api/vigie/auth/login', 'POST', { password });
}

export function logout(): Promise<unknown> {
  return send('/api/vigie/auth/logout', 'POST');
}
