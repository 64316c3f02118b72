import type { Context } from 'hono';
import { QueryError } from '../promql/api';
import { ApiError, STATUS_BY_TYPE } from './errors';
import { Params } from './params';
import { SelectorError } from './selector';

/** ApiSuccess is a handler's answer: the `data` field and any annotations. */
export interface ApiSuccess {
  data: unknown;
  warnings?: string[];
  infos?: string[];
}

/** ApiHandler computes one API response from the request's parameters. */
export type ApiHandler = (params: Params, c: Context) => Promise<ApiSuccess>;

/** json writes a body with Prometheus's content type. */
export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** errorResponse writes `{"status":"error","errorType":…,"error":…}` with the matching HTTP status. */
export function errorResponse(err: unknown): Response {
  const e = toApiError(err);
  return json({ status: 'error', errorType: e.type, error: e.message }, STATUS_BY_TYPE[e.type]);
}

/**
 * toApiError classifies a thrown value. Engine errors keep their Prometheus type (too_many_samples is an
 * execution error, as in Prometheus); a selector parse error is bad data; anything else is a bug: internal.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof SelectorError) return new ApiError('bad_data', err.message);
  if (err instanceof QueryError) {
    const type = err.type === 'too_many_samples' ? 'execution' : err.type;
    return new ApiError(type, err.message);
  }
  if (err instanceof Error && err.name === 'AbortError')
    return new ApiError('canceled', 'query was canceled');
  return new ApiError('internal', err instanceof Error ? err.message : String(err));
}

/** api wraps a handler into a Hono route: parameters in, the success envelope or an error envelope out. */
export function api(handler: ApiHandler) {
  return async (c: Context): Promise<Response> => {
    try {
      const params = await Params.from(c.req.raw);
      const out = await handler(params, c);
      const body: Record<string, unknown> = { status: 'success', data: out.data };
      if (out.warnings !== undefined && out.warnings.length > 0) body.warnings = out.warnings;
      if (out.infos !== undefined && out.infos.length > 0) body.infos = out.infos;
      return json(body);
    } catch (err) {
      return errorResponse(err);
    }
  };
}
