import type { CustomScheme } from 'electron';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './security';

/** AppFetch is the web app's in-process entry point: a web-standard request in, a response out. */
export type AppFetch = (request: Request) => Response | Promise<Response>;

/**
 * APP_SCHEME_PRIVILEGES registers app:// as a standard, secure scheme (before the app is ready), so the
 * renderer gets a real origin, fetch and streaming responses (server-sent events) like over https.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
};

/** INTERNAL_BASE is the origin requests carry inside the web app; it never reaches a network. */
const INTERNAL_BASE = 'http://vigie.internal';

/** SECURITY_HEADERS go on every app:// response, whatever the route produced. */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * toInternalRequest maps app://vigie/path?query onto the web app's own URL space, keeping method, headers
 * and a streamed body. It returns undefined for a URL of another host (never served).
 */
export function toInternalRequest(request: Request): Request | undefined {
  const url = new URL(request.url);
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return undefined;
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null;
  return new Request(`${INTERNAL_BASE}${url.pathname}${url.search}`, {
    method: request.method,
    headers: request.headers,
    body: hasBody ? request.body : undefined,
    signal: request.signal,
    // A streamed request body needs half duplex (Node's fetch refuses otherwise).
    ...(hasBody ? { duplex: 'half' } : {}),
  } as RequestInit);
}

/** withSecurityHeaders copies a response with the CSP and hardening headers set (responses may be immutable). */
export function withSecurityHeaders(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * createAppProtocolHandler is what `protocol.handle('app', …)` calls: each request goes to the web app's
 * fetch in-process, so the desktop window needs no listening port. Unknown hosts get 404, a throwing
 * route a plain 500 naming the path, never an unhandled rejection inside Electron.
 */
export function createAppProtocolHandler(
  fetch: AppFetch,
  log: (message: string) => void = () => {},
): (request: Request) => Promise<Response> {
  return async (request) => {
    const internal = toInternalRequest(request);
    if (internal === undefined)
      return withSecurityHeaders(new Response(`unknown app address ${request.url}\n`, { status: 404 }));
    try {
      return withSecurityHeaders(await fetch(internal));
    } catch (err) {
      const path = new URL(internal.url).pathname;
      log(`app:// ${request.method} ${path} failed: ${err}`);
      return withSecurityHeaders(
        new Response(`internal error while serving ${path}\n`, {
          status: 500,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        }),
      );
    }
  };
}
