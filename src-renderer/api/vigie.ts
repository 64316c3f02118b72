// vigie.ts: Vigie's own API (/api/vigie/*) and the optional parts of the Prometheus API (alerts, rules),
// each returning `undefined` when that part of the appliance is not there yet — so pages can show an
// honest "not configured" state instead of an error or invented data.
import { apiFetch, ApiError } from './client';

/** optional runs a call and maps "this route does not exist" (404) to undefined. */
export async function optional<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

/** AgentInfo is one discovered agent as GET /api/vigie/agents lists it. */
export interface AgentInfo {
  id: string;
  state: 'pending' | 'adopted' | 'rejected';
  hostname: string;
  os: string;
  version: string;
  address: string;
  fingerprint: string;
  keyVerified: boolean;
  online: boolean;
  why: string;
  firstSeen: string;
  lastSeen: string;
  flagged: boolean;
}

/** agents lists discovered agents (empty when mDNS discovery is off). */
export function agents(): Promise<AgentInfo[]> {
  return apiFetch('/api/vigie/agents');
}

/** agentAction adopts, rejects or removes (forgets) an agent. */
export function agentAction(id: string, action: 'adopt' | 'reject' | 'remove'): Promise<AgentInfo> {
  const path = `/api/vigie/agents/${encodeURIComponent(id)}`;
  return action === 'remove'
    ? apiFetch(path, { method: 'DELETE' })
    : apiFetch(`${path}/${action}`, { method: 'POST' });
}

/** AlertInfo is one alert as Prometheus's GET /api/v1/alerts lists it. */
export interface AlertInfo {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'firing' | 'pending' | 'inactive';
  activeAt?: string;
  value?: string;
}

/** alerts lists active alerts, or undefined when the appliance has no alerting yet. */
export function alerts(): Promise<AlertInfo[] | undefined> {
  return optional(async () => (await apiFetch<{ alerts: AlertInfo[] }>('/api/v1/alerts')).alerts);
}

/** RuleGroup is one rule group as GET /api/v1/rules lists it. */
export interface RuleGroup {
  name: string;
  file: string;
  rules: { name: string; query: string; type: string; health: string; state?: string }[];
}

/** rules lists rule groups, or undefined when the appliance has no rules stage yet. */
export function rules(): Promise<RuleGroup[] | undefined> {
  return optional(async () => (await apiFetch<{ groups: RuleGroup[] }>('/api/v1/rules')).groups);
}

/** RoutedAlert is an alert as the notify router sees it (GET /api/vigie/alerts; times in ms). */
export interface RoutedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt: number;
  fingerprint: string;
  state: 'active' | 'suppressed' | 'resolved';
  silencedBy: string[];
  inhibitedBy: string[];
  acked: boolean;
}

/** SilenceInfo is one silence (GET /api/vigie/silences; times in ms). */
export interface SilenceInfo {
  id: string;
  matchers: string[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

/** routedAlerts lists the router's alerts, or undefined when notifications are not set up. */
export function routedAlerts(): Promise<RoutedAlert[] | undefined> {
  return optional(() => apiFetch<RoutedAlert[]>('/api/vigie/alerts'));
}

export function silences(): Promise<SilenceInfo[]> {
  return apiFetch('/api/vigie/silences');
}

/** ackAlert stops an alert's repeats until it resolves. */
export function ackAlert(fingerprint: string): Promise<unknown> {
  return apiFetch(`/api/vigie/alerts/${encodeURIComponent(fingerprint)}/ack`, { method: 'POST' });
}

/** silenceAlert mutes alerts with exactly these labels for a duration such as "2h". */
export function silenceAlert(
  labels: Record<string, string>,
  duration: string,
  comment: string,
): Promise<unknown> {
  const matchers = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return apiFetch('/api/vigie/silences', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ matchers, duration, comment, createdBy: 'ui' }),
  });
}

/** unsilence expires a silence now. */
export function unsilence(id: string): Promise<unknown> {
  return apiFetch(`/api/vigie/silences/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
