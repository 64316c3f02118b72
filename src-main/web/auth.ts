// auth.ts: access control of the one web app. Loopback and in-process calls (Electron's app://) are the
// machine's owner and always pass; while LAN sharing is on, every other caller needs a login session
// (HttpOnly, SameSite=Strict cookie) or a read-only token, which may read but never change anything.
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Access } from './access';
import { json } from './respond';
import { crossOrigin } from './route-helpers';

/** SESSION_COOKIE names the login cookie. */
export const SESSION_COOKIE = 'vigie_session';

/**
 * READ_ONLY_POSTS are the POST routes that only read: Prometheus accepts POST for queries so long
 * expressions fit, and the renderer (the kiosk too) uses it. A read-only token may call these.
 */
const READ_ONLY_POSTS = new Set([
  '/api/v1/query',
  '/api/v1/query_range',
  '/api/v1/series',
  '/api/v1/labels',
  '/api/v1/query_exemplars',
  '/api/v1/format_query',
  '/api/vigie/query_batch',
  '/api/v1/parse_query',
]);

/** AuthOptions bound the login endpoint; every limit has a default. */
export interface AuthOptions {
  /** maxLoginFailures per address within loginWindowMs before logins answer 429 (default 5 per minute). */
  maxLoginFailures?: number;
  loginWindowMs?: number;
  now?: () => number;
}

/** Caller is who a request comes from, as the middleware decided. */
export type Caller = 'local' | 'open' | 'session' | 'token';

interface NodeEnv {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * remoteAddress is the peer address of a request served by the Node listener, or undefined for an
 * in-process call (Electron's app:// handler and tests call `app.fetch(request)` without a socket).
 */
export function remoteAddress(c: Context): { inProcess: boolean; address: string } {
  const env = c.env as NodeEnv | undefined;
  if (env?.incoming === undefined) return { inProcess: true, address: '' };
  return { inProcess: false, address: env.incoming.socket?.remoteAddress ?? '' };
}

/** isLoopback tells whether an address is this machine's loopback (IPv4 127/8, ::1, IPv4-mapped 127/8). */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** bearer reads a token from `Authorization: Bearer …` or, for kiosk URLs and event streams, `?token=`. */
function bearer(c: Context): string | undefined {
  const h = c.req.header('authorization');
  const m = h === undefined ? null : /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1] ?? c.req.query('token');
}

const denied = (status: 401 | 403, error: string): Response =>
  json({ status: 'error', errorType: status === 401 ? 'unauthorized' : 'forbidden', error }, status);

const isLocal = (c: Context): boolean => {
  const r = remoteAddress(c);
  return r.inProcess || isLoopback(r.address);
};

/**
 * accessControl is the middleware in front of every route. Only the API (`/api/*`) is guarded: the
 * renderer's files carry no data and must load for the login form; the health checks stay open for
 * probes. While sharing is off, LAN callers pass as before (the listener's address decides who can
 * connect). Routes read who called through callerOf.
 */
export function accessControl(access: Access | undefined): MiddlewareHandler {
  return async (c, next) => {
    const path = c.req.path;
    if (crossSiteWrite(c))
      return denied(403, `cross-origin ${c.req.method} refused (Origin ${c.req.header('origin')})`);
    let caller: Caller;
    if (isLocal(c)) caller = 'local';
    else if (access === undefined || !access.sharing) caller = 'open';
    else if (access.sessionValid(getCookie(c, SESSION_COOKIE))) caller = 'session';
    else if (access.tokenValid(bearer(c))) caller = 'token';
    else if (!path.startsWith('/api/') || path.startsWith('/api/vigie/auth')) caller = 'open';
    else return denied(401, 'log in, or add a read-only ?token= to the URL');
    if (caller === 'token' && !isRead(c.req.method, path))
      return denied(403, 'a read-only token cannot change anything: log in with the password');
    c.set('caller' as never, caller as never);
    await next();
  };
}

/**
 * crossSiteWrite spots a change a page of another site sends through the user's browser (loopback is open,
 * so SameSite cookies alone would not stop it). In-process calls carry app:// origins and are trusted.
 */
function crossSiteWrite(c: Context): boolean {
  if (isRead(c.req.method, '') || remoteAddress(c).inProcess) return false;
  return crossOrigin(c);
}

function isRead(method: string, path: string): boolean {
  return method === 'GET' || method === 'HEAD' || (method === 'POST' && READ_ONLY_POSTS.has(path));
}

/** callerOf is who the middleware let in ('local' when the middleware is not installed). */
export function callerOf(c: Context): Caller {
  return (c.get('caller' as never) as Caller | undefined) ?? 'local';
}

/**
 * addAuthRoutes serves the login form's API: GET /api/vigie/auth (who am I, is sharing on), POST
 * /api/vigie/auth/login with `{password}` (sets the session cookie) and POST /api/vigie/auth/logout.
 * Failed logins are counted per address and answered 429 past the limit, so the password cannot be
 * guessed at speed from the LAN.
 */
export function addAuthRoutes(app: Hono, access: Access, o: AuthOptions = {}): void {
  const max = o.maxLoginFailures ?? 5;
  const windowMs = o.loginWindowMs ?? 60_000;
  const now = o.now ?? Date.now;
  const failures = new Map<string, number[]>();
  const recent = (addr: string): number[] => {
    const t = now();
    const list = (failures.get(addr) ?? []).filter((x) => x > t - windowMs);
    if (list.length === 0) failures.delete(addr);
    else failures.set(addr, list);
    return list;
  };

  app.get('/api/vigie/auth', (c) => {
    const caller = callerOf(c);
    return json({
      status: 'success',
      data: {
        caller,
        sharing: access.sharing,
        hasPassword: access.hasPassword,
        canWrite: caller !== 'token',
        loggedIn: caller === 'session',
      },
    });
  });
  app.post('/api/vigie/auth/login', async (c) => {
    const addr = remoteAddress(c).address || 'in-process';
    if (recent(addr).length >= max)
      return json(
        { status: 'error', errorType: 'too_many', error: 'too many failed logins: wait a minute' },
        429,
      );
    let password = '';
    try {
      const b = (await c.req.json()) as { password?: unknown };
      password = typeof b.password === 'string' ? b.password : '';
    } catch {
      return json({ status: 'error', errorType: 'bad_data', error: 'body: expected {"password": "…"}' }, 400);
    }
    if (!(await access.verifyPassword(password))) {
      if (failures.size > 10_000) failures.clear(); // bound memory under a scan of many addresses
      failures.set(addr, [...recent(addr), now()]);
      return denied(401, 'wrong password');
    }
    setCookie(c, SESSION_COOKIE, access.createSession(), {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: Math.floor(access.sessionTtlMs / 1000),
    });
    return c.json({ status: 'success', data: { loggedIn: true } });
  });
  app.post('/api/vigie/auth/logout', (c) => {
    access.endSession(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ status: 'success', data: { loggedIn: false } });
  });
}
