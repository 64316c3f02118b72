// routes-settings.ts: the Settings page's API — Telegram set-up with the stored token, notification routes
// (read-only, secrets masked), retention, the default rule pack, and LAN sharing (password, read-only
// tokens). Secrets go in; they never come back out.
import type { Context, Hono } from 'hono';
import type { ReceiverConfig } from '../config/api';
import type { TelegramTarget } from '../notify/api';
import type { WebDeps } from './api';
import { jsonObject as body, ok, refuse as fail } from './route-helpers';
import { loadUiSettings, saveUiSettings, TELEGRAM_TOKEN, type UiSettings } from './settings-doc';

/** SettingsLimits bound what the page may set; every one has a default. */
export interface SettingsLimits {
  /** maxRetentionDays caps the retention (default 3650). */
  maxRetentionDays?: number;
}

/** MASK replaces a secret in the receivers the page shows. */
const MASK = '••••••';

/** redact masks bot tokens of configured receivers, keeping everything else the page shows. */
export function redact(receivers: readonly ReceiverConfig[]): ReceiverConfig[] {
  return receivers.map((r) => ({
    ...r,
    telegram_configs: r.telegram_configs.map((t) => ({
      ...t,
      ...(t.bot_token !== undefined ? { bot_token: MASK } : {}),
    })),
  }));
}

const isHttpUrl = (s: string): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(s).protocol);
  } catch {
    return false;
  }
};

/**
 * addSettingsRoutes serves /api/vigie/settings and its parts. It needs the DocumentStore; without Secrets
 * the Telegram token cannot be kept, without Access there is no LAN sharing (those routes answer 404).
 */
export function addSettingsRoutes(app: Hono, deps: WebDeps, limits: SettingsLimits = {}): void {
  const store = deps.documents;
  if (store === undefined) return;
  const { secrets, access, ruleEditor } = deps;
  const telegram = deps.alerting?.telegram;
  const maxDays = limits.maxRetentionDays ?? 3650;
  // applied tells the page whether a Telegram change is live; a failed reload is reported, the change kept.
  const applyAlerting = async (): Promise<{ live: boolean; applyError?: string }> => {
    if (deps.onAlertingSettingsChanged === undefined) return { live: false };
    try {
      await deps.onAlertingSettingsChanged();
      return { live: true };
    } catch (e) {
      return { live: false, applyError: `saved, but not applied until restart: ${(e as Error).message}` };
    }
  };

  const view = async (): Promise<Record<string, unknown>> => {
    const s = await loadUiSettings(store);
    const cfg = deps.config();
    return {
      telegram: {
        available: telegram !== undefined && secrets !== undefined,
        tokenSet: secrets?.get(TELEGRAM_TOKEN) !== undefined,
        ...s.telegram,
      },
      retention: {
        days: s.retentionDays ?? null,
        configMs: cfg.storage.retention,
        live: deps.setRetention !== undefined,
      },
      notify: { route: cfg.alerting.route, receivers: redact(cfg.alerting.receivers) },
      pack: ruleEditor?.pack() ?? [],
      sharing: access
        ? {
            available: true,
            enabled: access.sharing,
            hasPassword: access.hasPassword,
            tokens: access.listTokens(),
          }
        : { available: false, enabled: false, hasPassword: false, tokens: [] },
    };
  };
  app.get('/api/vigie/settings', async () => ok(await view()));

  // Telegram: the form may send a token; otherwise the stored one is used (so checks work after saving).
  if (telegram !== undefined && secrets !== undefined) {
    const target = async (b: Record<string, unknown>): Promise<TelegramTarget | string> => {
      const token = typeof b.token === 'string' && b.token !== '' ? b.token : secrets.get(TELEGRAM_TOKEN);
      if (token === undefined) return 'token: paste the bot token from @BotFather';
      const apiUrl =
        typeof b.api_url === 'string' && b.api_url !== ''
          ? b.api_url
          : (await loadUiSettings(store)).telegram?.apiUrl;
      if (apiUrl !== undefined && !isHttpUrl(apiUrl)) return `api_url: "${apiUrl}" is not an http(s) URL`;
      return { token, ...(apiUrl !== undefined ? { apiUrl } : {}) };
    };
    const step =
      (f: (t: TelegramTarget, b: Record<string, unknown>) => Promise<unknown>) =>
      async (c: Context): Promise<Response> => {
        const b = await body(c);
        const t = await target(b);
        if (typeof t === 'string') return fail(400, t);
        try {
          return ok(await f(t, b));
        } catch (e) {
          return fail(400, (e as Error).message);
        }
      };
    app.post(
      '/api/vigie/settings/telegram/check',
      step((t) => telegram.getMe(t)),
    );
    app.post(
      '/api/vigie/settings/telegram/find-chat',
      step(async (t) => (await telegram.findChat(t)) ?? null),
    );
    app.post(
      '/api/vigie/settings/telegram/test',
      step(async (t, b) => {
        const chatId = Number(b.chat_id ?? (await loadUiSettings(store)).telegram?.chatId);
        if (!Number.isSafeInteger(chatId) || chatId === 0) throw new Error('chat_id: find the chat first');
        await telegram.sendTest(t, chatId);
        return { sent: true };
      }),
    );
    // Saving checks the token with getMe first: a wrong token is refused, not stored.
    app.put(
      '/api/vigie/settings/telegram',
      step(async (t, b) => {
        const me = await telegram.getMe(t);
        const chatId = b.chat_id === undefined || b.chat_id === null ? undefined : Number(b.chat_id);
        if (chatId !== undefined && (!Number.isSafeInteger(chatId) || chatId === 0))
          throw new Error('chat_id: a Telegram chat id is a non-zero integer');
        secrets.set(TELEGRAM_TOKEN, t.token);
        const tg: NonNullable<UiSettings['telegram']> = {
          botUsername: me.username,
          ...(chatId !== undefined ? { chatId } : {}),
          ...(typeof b.chat_title === 'string' ? { chatTitle: b.chat_title.slice(0, 200) } : {}),
          ...(t.apiUrl !== undefined ? { apiUrl: t.apiUrl } : {}),
        };
        await saveUiSettings(store, { telegram: tg });
        return { ...tg, tokenSet: true, ...(await applyAlerting()) };
      }),
    );
    app.delete('/api/vigie/settings/telegram', async () => {
      secrets.delete(TELEGRAM_TOKEN);
      await saveUiSettings(store, { telegram: undefined });
      return ok({ tokenSet: false, ...(await applyAlerting()) });
    });
  }

  app.put('/api/vigie/settings/retention', async (c) => {
    const b = await body(c);
    const days = b.days === null ? undefined : Number(b.days);
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > maxDays))
      return fail(400, `days: a whole number of days from 1 to ${maxDays}`);
    await saveUiSettings(store, { retentionDays: days });
    deps.setRetention?.(days === undefined ? deps.config().storage.retention : days * 86_400_000);
    return ok(days ?? null);
  });

  if (ruleEditor !== undefined)
    app.put('/api/vigie/settings/default-pack', async (c) => {
      const b = await body(c);
      const known = new Set(ruleEditor.pack().map((p) => p.key));
      const pack: NonNullable<UiSettings['defaultPack']> = {};
      for (const [key, v] of Object.entries(b)) {
        if (!known.has(key)) return fail(400, `${key}: not a rule of the default pack`);
        const s = (v ?? {}) as Record<string, unknown>;
        const num = (f: string): number | undefined => {
          const x = s[f];
          if (x === undefined || x === null || x === '') return undefined;
          if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${key}.${f}: expected a number`);
          return x;
        };
        try {
          const forMs = num('forMs');
          pack[key] = {
            ...(typeof s.enabled === 'boolean' ? { enabled: s.enabled } : {}),
            ...(num('warn') !== undefined ? { warn: num('warn') } : {}),
            ...(num('critical') !== undefined ? { critical: num('critical') } : {}),
            ...(forMs !== undefined ? { for: forMs } : {}),
          };
        } catch (e) {
          return fail(400, (e as Error).message);
        }
      }
      try {
        await ruleEditor.apply({ pack });
      } catch (e) {
        return fail(400, (e as Error).message);
      }
      await saveUiSettings(store, { defaultPack: pack });
      return ok(ruleEditor.pack());
    });

  if (access !== undefined) {
    app.put('/api/vigie/settings/password', async (c) => {
      const b = await body(c);
      try {
        await access.setPassword(typeof b.password === 'string' ? b.password : '');
      } catch (e) {
        return fail(400, (e as Error).message);
      }
      return ok({ hasPassword: true });
    });
    app.put('/api/vigie/settings/sharing', async (c) => {
      const b = await body(c);
      if (typeof b.enabled !== 'boolean') return fail(400, 'enabled: true or false');
      try {
        access.setSharing(b.enabled);
      } catch (e) {
        return fail(400, (e as Error).message);
      }
      return ok({ enabled: access.sharing });
    });
    app.get('/api/vigie/settings/tokens', () => ok(access.listTokens()));
    app.post('/api/vigie/settings/tokens', async (c) => {
      const b = await body(c);
      try {
        return ok(access.createToken(typeof b.name === 'string' ? b.name : ''));
      } catch (e) {
        return fail(400, (e as Error).message);
      }
    });
    app.delete('/api/vigie/settings/tokens/:id', (c) =>
      access.revokeToken(c.req.param('id'))
        ? ok({ revoked: c.req.param('id') })
        : fail(404, `no token ${c.req.param('id')}`),
    );
  }
}
