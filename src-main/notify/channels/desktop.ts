import type { DesktopNotification, DesktopNotifier, DesktopSeverity } from '../api';
import type { Delivery } from '../outbox';
import type { Notification } from '../payload';

/** desktopNotification turns a group notification into one native notification that opens the alert. */
export function desktopNotification(n: Notification): DesktopNotification {
  const firing = n.alerts.filter((a) => a.status === 'firing');
  const sev = n.commonLabels.severity;
  const severity: DesktopSeverity = sev === 'critical' || sev === 'info' ? sev : 'warning';
  const name = n.groupLabels.alertname ?? n.commonLabels.alertname ?? 'Alert';
  const title = firing.length > 0 ? `${name}: ${firing.length} firing` : `${name}: resolved`;
  const body = n.alerts
    .slice(0, 5)
    .map(
      ({ status, alert }) =>
        `${status === 'resolved' ? '✓ ' : ''}${alert.annotations.summary ?? alert.labels.instance ?? name}`,
    )
    .join('\n');
  return { id: n.groupKey, title, body, severity, url: `/alerts?group=${encodeURIComponent(n.groupKey)}` };
}

/** deliverDesktop shows it through the DesktopNotifier port; headless (no notifier) it is logged. */
export async function deliverDesktop(
  notifier: DesktopNotifier | undefined,
  n: Notification,
  log: (message: string) => void,
): Promise<Delivery> {
  const d = desktopNotification(n);
  if (notifier === undefined) {
    log(`${d.title} — ${d.body.replace(/\n/g, '; ')}`);
    return { ok: true };
  }
  await notifier.notify(d);
  return { ok: true };
}
