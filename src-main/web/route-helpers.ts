// route-helpers.ts: the small pieces every /api/vigie route file needs, written once.
import type { Context } from 'hono';
import { json } from './respond';

/** ok writes Prometheus's success envelope around `data`. */
export const ok = (data: unknown): Response => json({ status: 'success', data });

/** fail writes the error envelope with an explicit Prometheus error type. */
export function fail(status: number, errorType: string, error: string): Response {
  return json({ status: 'error', errorType, error }, status);
}

/** refuse writes the error envelope typed by its status: 404 not_found, anything else bad_data. */
export function refuse(status: number, error: string): Response {
  return fail(status, status === 404 ? 'not_found' : 'bad_data', error);
}

/**
 * crossOrigin tells a browser request sent from another site (or an opaque `null` origin): a page elsewhere
 * must not be able to submit a change through the user's browser, since a plain form POST needs no preflight.
 */
export function crossOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined) return false;
  if (origin === 'null') return true;
  try {
    return new URL(origin).host !== new URL(c.req.url).host;
  } catch {
    return true;
  }
}

/** jsonBody reads a request's JSON body; a missing or malformed one is `undefined`, for the caller to refuse. */
export async function jsonBody(c: Context): Promise<unknown> {
  try {
    return (await c.req.json()) as unknown;
  } catch {
    return undefined;
  }
}

/** jsonObject reads a JSON object body, `{}` when there is none, so optional fields simply read absent. */
export async function jsonObject(c: Context): Promise<Record<string, unknown>> {
  const b = await jsonBody(c);
  return b !== null && typeof b === 'object' ? (b as Record<string, unknown>) : {};
}
