// dashboards.ts: the user's dashboards over /api/vigie/dashboards (the server checks every field).
import { apiFetch } from './client';
import type { Unit } from '../format/units';

/** PanelType is how a panel draws its queries. */
export type PanelType = 'timeseries' | 'stat' | 'gauge' | 'bargauge' | 'table';

/** Threshold colours values at or above `value`. */
export interface Threshold {
  value: number;
  color: string;
}

/** DashboardPanel is one panel of a dashboard grid (w of 12 columns, h in rows of 70 px). */
export interface DashboardPanel {
  id: string;
  type: PanelType;
  title: string;
  queries: { expr: string; legend?: string }[];
  unit: Unit;
  min?: number;
  max?: number;
  thresholds: Threshold[];
  w: number;
  h: number;
}

/** Dashboard is the saved (and exported) document. */
export interface Dashboard {
  title: string;
  range: number;
  refresh: number;
  variables: { name: string; query: string }[];
  panels: DashboardPanel[];
}

/** DashboardSummary is one row of the list. */
export interface DashboardSummary {
  id: string;
  title: string;
  panels: number;
  updated: string;
}

export function listDashboards(): Promise<DashboardSummary[]> {
  return apiFetch('/api/vigie/dashboards');
}

export async function getDashboard(id: string): Promise<Dashboard> {
  return (await apiFetch<{ dashboard: Dashboard }>(`/api/vigie/dashboards/${encodeURIComponent(id)}`))
    .dashboard;
}

export function saveDashboard(id: string, d: Dashboard): Promise<unknown> {
  return apiFetch(`/api/vigie/dashboards/${encodeURIComponent(id)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(d),
  });
}

export function deleteDashboard(id: string): Promise<unknown> {
  return apiFetch(`/api/vigie/dashboards/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** slugOf turns a title into a dashboard id (lower-case letters, digits, dashes). */
export function slugOf(title: string): string {
  const s = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return s || 'dashboard';
}

/** newPanel is a fresh panel of a type with sensible sizes. */
export function newPanel(type: PanelType = 'timeseries'): DashboardPanel {
  return {
    id: Math.random().toString(36).slice(2, 10),
    type,
    title: 'New panel',
    queries: [{ expr: 'up' }],
    unit: 'none',
    thresholds: [],
    w: type === 'stat' || type === 'gauge' ? 3 : 6,
    h: type === 'stat' ? 2 : 4,
  };
}
