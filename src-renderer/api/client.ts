// client.ts: the renderer's one HTTP client. Every page reads the appliance through these functions, so
// the read-only token, error wording and timeouts are handled in one place.

/** ApiError is a failed API call: the HTTP status (0 when the appliance was unreachable) and its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** TOKEN_KEY is where a read-only token from the URL (`?token=…`) is kept for the tab's lifetime. */
const TOKEN_KEY = 'vigie.token';

/**
 * adoptUrlToken moves a `token` query parameter into session storage, so a kiosk screen opened with
 * `/kiosk?token=…` keeps sending it on every request without a login page.
 */
export function adoptUrlToken(): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return;
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** REQUEST_TIMEOUT_MS bounds each request, so a dead appliance shows as offline instead of hanging. */
export const REQUEST_TIMEOUT_MS = 15_000;

/**
 * send makes a request with the read-only token (when there is one) and a timeout; an unreachable
 * appliance is ApiError status 0.
 */
async function send(path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  try {
    return await fetch(path, { ...init, headers, signal: init.signal ?? AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new ApiError(0, `The appliance is unreachable (${(e as Error).message}).`);
  }
}

/** apiFetch calls the appliance and returns the `data` of a Prometheus-style `{status, data}` answer. */
export async function apiFetch<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const res = await send(path, init, REQUEST_TIMEOUT_MS);
  let body: { status?: string; data?: T; error?: string };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new ApiError(res.status, `${path}: HTTP ${res.status}, not a JSON answer`);
  }
  if (res.status === 401 && token === null) sendToLogin();
  if (!res.ok || body.status === 'error') throw new ApiError(res.status, body.error ?? `HTTP ${res.status}`);
  return body.data as T;
}

/**
 * apiLines calls a route answering newline-delimited JSON and hands each parsed line to `onLine` as it
 * arrives (a streamed answer is used before it ends). A refusal is an ApiError with the route's message.
 */
export async function apiLines(
  path: string,
  init: RequestInit,
  timeoutMs: number,
  onLine: (line: unknown) => void,
): Promise<void> {
  const res = await send(path, init, timeoutMs);
  if (!res.ok || res.body === null) {
    let message = `HTTP ${res.status}`;
    try {
      message = ((await res.json()) as { error?: string }).error ?? message;
    } catch {
      // not a JSON refusal: the status says enough
    }
    if (res.status === 401 && sessionStorage.getItem(TOKEN_KEY) === null) sendToLogin();
    throw new ApiError(res.status, message);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      let nl;
      while ((nl = text.indexOf('\n')) >= 0) {
        const line = text.slice(0, nl);
        text = text.slice(nl + 1);
        if (line !== '') onLine(JSON.parse(line));
      }
    }
    if (text.trim() !== '') onLine(JSON.parse(text)); // a last line without its newline
  } catch (e) {
    if (e instanceof SyntaxError)
      throw new ApiError(res.status, `${path}: a line is not JSON (${e.message})`);
    throw new ApiError(0, `The appliance stopped answering (${(e as Error).message}).`);
  }
}

/**
 * sendToLogin takes a LAN visitor without a session to the login page once, coming back afterwards. The
 * kiosk (which authenticates by token) and the login page itself stay where they are.
 */
function sendToLogin(): void {
  const { pathname, search } = window.location;
  if (pathname.startsWith('/login') || pathname.startsWith('/kiosk')) return;
  window.location.assign(`/login?next=${encodeURIComponent(pathname + search)}`);
}

/** Sample is one [unix seconds, value text] pair as the Prometheus API returns it. */
export type Sample = [number, string];

/** VectorItem is one series of an instant query. */
export interface VectorItem {
  metric: Record<string, string>;
  value: Sample;
}

/** MatrixItem is one series of a range query. */
export interface MatrixItem {
  metric: Record<string, string>;
  values: Sample[];
}

/** QueryResult is an instant query's answer, tagged by its type as in the Prometheus API. */
export type QueryResult =
  | { resultType: 'vector'; result: VectorItem[] }
  | { resultType: 'matrix'; result: MatrixItem[] }
  | { resultType: 'scalar' | 'string'; result: Sample };

function form(params: Record<string, string | number>): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) p.set(k, String(v));
  return p;
}

/** query runs an instant PromQL query (POST, so long expressions never hit URL limits). */
export function query(expr: string, time?: number): Promise<QueryResult> {
  const params: Record<string, string | number> = { query: expr };
  if (time !== undefined) params.time = time;
  return apiFetch('/api/v1/query', { method: 'POST', body: form(params) });
}

/** RangeOptions is a range query's window in unix seconds and its step in seconds. */
export interface RangeOptions {
  start: number;
  end: number;
  step: number;
}

/** queryRange runs a PromQL range query and returns its series. */
export async function queryRange(expr: string, r: RangeOptions): Promise<MatrixItem[]> {
  const data = await apiFetch<{ resultType: string; result: MatrixItem[] }>('/api/v1/query_range', {
    method: 'POST',
    body: form({ query: expr, start: r.start, end: r.end, step: r.step }),
  });
  return data.result;
}

/** instant runs an instant query that must return a vector. */
export async function instant(expr: string): Promise<VectorItem[]> {
  const data = await query(expr);
  if (data.resultType !== 'vector') return [];
  return data.result;
}

/** Target is one scrape target as /api/v1/targets lists it. */
export interface Target {
  labels: Record<string, string>;
  discoveredLabels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  scrapeInterval: string;
}

/** targets lists the active scrape targets. */
export async function targets(): Promise<Target[]> {
  const data = await apiFetch<{ activeTargets: Target[] }>('/api/v1/targets?state=active');
  return data.activeTargets;
}

/** labelValues lists the values of a label name, optionally within series matching a selector. */
export function labelValues(name: string, match?: string): Promise<string[]> {
  const q = match === undefined ? '' : `?match[]=${encodeURIComponent(match)}`;
  return apiFetch(`/api/v1/label/${encodeURIComponent(name)}/values${q}`);
}
