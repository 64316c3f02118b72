import type { Context, Hono } from 'hono';
import type { Router, TelegramSetup } from '../notify/api';
import type { ActiveAlert, RuleManager } from '../rules/api';
import { parseDuration } from '../config/api';
import { jsonObject as body, ok, refuse as fail } from './route-helpers';

const iso = (ms: number): string => new Date(ms).toISOString();
const seconds = (ms: number): number => ms / 1000;

function alertJson(a: ActiveAlert): Record<string, unknown> {
  return {
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    activeAt: iso(a.activeAt),
    ...(a.keepFiringSince > 0 ? { keepFiringSince: iso(a.keepFiringSince) } : {}),
    value: String(a.value),
  };
}

/**
 * addAlertRoutes serves Prometheus's /api/v1/rules and /api/v1/alerts (Grafana's alert list reads them)
 * and Vigie's /api/vigie/alerts, silences, acks and Telegram setup helper.
 */
export function addAlertRoutes(
  app: Hono,
  deps:
    { rules: Pick<RuleManager, 'groups' | 'alerts'>; router?: Router; telegram?: TelegramSetup } | undefined,
): void {
  if (deps === undefined) return;
  const { rules, router, telegram } = deps;
  app.get('/api/v1/rules', (c) => {
    const type = c.req.query('type');
    return ok({
      groups: rules.groups().map((g) => ({
        name: g.name,
        file: g.file,
        interval: seconds(g.intervalMs),
        limit: 0,
        evaluationTime: seconds(g.evaluationMs),
        lastEvaluation: iso(g.lastEvaluation),
        rules: g.rules
          .filter((r) => type === undefined || (type === 'alert') === (r.type === 'alerting'))
          .map((r) => ({
            name: r.name,
            query: r.query,
            ...(r.type === 'alerting'
              ? {
                  duration: seconds(r.durationMs),
                  keepFiringFor: seconds(r.keepFiringForMs),
                  annotations: r.annotations,
                  alerts: r.alerts.map(alertJson),
                  state: r.alerts.some((a) => a.state === 'firing')
                    ? 'firing'
                    : r.alerts.length > 0
                      ? 'pending'
                      : 'inactive',
                }
              : {}),
            labels: r.labels,
            health: r.health,
            lastError: r.lastError || undefined,
            evaluationTime: seconds(r.evaluationMs),
            lastEvaluation: iso(r.lastEvaluation),
            type: r.type,
          })),
      })),
    });
  });
  app.get('/api/v1/alerts', () => ok({ alerts: rules.alerts().map(alertJson) }));
  if (router !== undefined) {
    app.get('/api/vigie/alerts', () => ok(router.alerts()));
    app.post('/api/vigie/alerts/:id/ack', async (c) => {
      const a = await router.ack(c.req.param('id'));
      return a === undefined ? fail(404, `no single firing alert with id ${c.req.param('id')}`) : ok(a);
    });
    app.get('/api/vigie/silences', () => ok(router.silences()));
    app.post('/api/vigie/silences', async (c) => {
      const b = await body(c);
      const matchers = Array.isArray(b.matchers) ? b.matchers.map(String) : [];
      const now = Date.now();
      const dur = typeof b.duration === 'string' ? parseDuration(b.duration) : undefined;
      const endsAt =
        typeof b.endsAt === 'string' ? Date.parse(b.endsAt) : dur !== undefined ? now + dur : NaN;
      if (!Number.isFinite(endsAt)) return fail(400, 'give "duration" (e.g. "2h") or "endsAt" (RFC 3339)');
      try {
        const s = await router.addSilence({
          matchers,
          startsAt: now,
          endsAt,
          createdBy: String(b.createdBy ?? 'api'),
          comment: String(b.comment ?? ''),
        });
        return ok(s);
      } catch (e) {
        return fail(400, (e as Error).message);
      }
    });
    app.delete('/api/vigie/silences/:id', async (c) =>
      (await router.expireSilence(c.req.param('id')))
        ? ok({ expired: c.req.param('id') })
        : fail(404, `no active silence ${c.req.param('id')}`),
    );
  }
  if (telegram !== undefined) {
    const target = (b: Record<string, unknown>) => ({
      token: String(b.token ?? ''),
      ...(typeof b.api_url === 'string' ? { apiUrl: b.api_url } : {}),
    });
    const guard = (f: (b: Record<string, unknown>) => Promise<unknown>) => async (c: Context) => {
      const b = await body(c);
      if (typeof b.token !== 'string' || b.token === '') return fail(400, 'token is required');
      try {
        return ok(await f(b));
      } catch (e) {
        return fail(400, (e as Error).message);
      }
    };
    app.post(
      '/api/vigie/telegram/check',
      guard((b) => telegram.getMe(target(b))),
    );
    app.post(
      '/api/vigie/telegram/find-chat',
      guard(async (b) => (await telegram.findChat(target(b))) ?? null),
    );
    app.post(
      '/api/vigie/telegram/test',
      guard(async (b) => {
        await telegram.sendTest(target(b), Number(b.chat_id));
        return { sent: true };
      }),
    );
  }
}
