import type { WebhookReceiverConfig } from '../../config/api';
import type { Delivery } from '../outbox';
import { webhookPayload, type Notification } from '../payload';

/**
 * deliverWebhook POSTs Alertmanager's webhook JSON to the configured URL. 2xx is delivered, 4xx (other
 * than 429) is a permanent refusal, anything else is retried by the outbox.
 */
export async function deliverWebhook(c: WebhookReceiverConfig, n: Notification): Promise<Delivery> {
  try {
    const res = await fetch(c.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Vigie' },
      body: JSON.stringify(webhookPayload(n, c.max_alerts)),
      signal: AbortSignal.timeout(c.timeout),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { ok: true };
    const retryAfter = Number(res.headers.get('retry-after'));
    if (res.status === 429)
      return {
        ok: false,
        error: 'HTTP 429',
        retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
      };
    return { ok: false, permanent: res.status >= 400 && res.status < 500, error: `HTTP ${res.status}` };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
