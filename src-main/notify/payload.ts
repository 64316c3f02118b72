import type { PostableAlert } from './api';

/** StoredAlert is an alert the router holds, with its fingerprint. */
export interface StoredAlert extends PostableAlert {
  fingerprint: string;
}

/** Notification is one message for one receiver integration: a group's alerts at one flush. */
export interface Notification {
  receiver: string;
  groupKey: string;
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: { status: 'firing' | 'resolved'; alert: StoredAlert }[];
  truncatedAlerts: number;
  /**
   * part numbers the messages a large group was split into for a channel with a size limit (Telegram), with
   * the whole group's counts for the header.
   */
  part?: { index: number; count: number; firing: number; resolved: number };
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** isResolved tells whether an alert's end time has passed. */
export function isResolved(a: PostableAlert, now: number): boolean {
  return a.endsAt > 0 && a.endsAt <= now;
}

/** common returns the label pairs every map shares. */
export function common(maps: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const out: Record<string, string> = { ...maps[0] };
  for (const m of maps.slice(1)) for (const k of Object.keys(out)) if (m[k] !== out[k]) delete out[k];
  return out;
}

/**
 * webhookPayload is Alertmanager's webhook body (version 4), so receivers written for Alertmanager work
 * unchanged. `maxAlerts` truncates the list and counts the rest in truncatedAlerts.
 */
export function webhookPayload(n: Notification, maxAlerts = 0): unknown {
  const alerts = maxAlerts > 0 ? n.alerts.slice(0, maxAlerts) : n.alerts;
  return {
    version: '4',
    groupKey: n.groupKey,
    truncatedAlerts: n.alerts.length - alerts.length + n.truncatedAlerts,
    status: n.status,
    receiver: n.receiver,
    groupLabels: n.groupLabels,
    commonLabels: n.commonLabels,
    commonAnnotations: n.commonAnnotations,
    externalURL: n.externalURL,
    alerts: alerts.map(({ status, alert }) => ({
      status,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: new Date(alert.startsAt).toISOString(),
      endsAt: status === 'resolved' ? new Date(alert.endsAt).toISOString() : ZERO_TIME,
      generatorURL: alert.generatorURL,
      fingerprint: alert.fingerprint,
    })),
  };
}
