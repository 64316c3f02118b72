import type { Notification } from '../payload';

/** TELEGRAM_MAX_TEXT is the Bot API's limit on one message's text. */
export const TELEGRAM_MAX_TEXT = 4096;

const EMOJI: Record<string, string> = { critical: '🔴', warning: '🟠', info: '🔵' };

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** since prints how long ago a time was, coarsely (phones show the message time already). */
function since(t: number, now: number): string {
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/**
 * formatTelegram renders a notification as Telegram HTML readable on a phone: one line per alert with the
 * severity emoji, host, summary and how long it has been going on; resolved alerts marked ✅; a group of
 * many alerts summarised under one header. `dashboardURL` (when LAN sharing is on) adds a link.
 */
export function formatTelegram(n: Notification, now: number, dashboardURL = ''): string {
  const firing = n.alerts.filter((a) => a.status === 'firing');
  const resolved = n.alerts.filter((a) => a.status === 'resolved');
  const name = n.groupLabels.alertname ?? n.commonLabels.alertname ?? 'Alerts';
  const lines: string[] = [];
  const head =
    firing.length > 0
      ? `${EMOJI[n.commonLabels.severity ?? ''] ?? '⚠️'} <b>${escapeHtml(name)}</b> — ${firing.length} firing`
      : `✅ <b>${escapeHtml(name)}</b> — resolved`;
  lines.push(resolved.length > 0 && firing.length > 0 ? `${head}, ${resolved.length} resolved` : head);
  for (const { status, alert } of n.alerts) {
    const sev = alert.labels.severity ?? '';
    const icon = status === 'resolved' ? '✅' : (EMOJI[sev] ?? '⚠️');
    const host = alert.labels.instance ?? alert.labels.host ?? '';
    const summary =
      alert.annotations.summary ?? alert.annotations.description ?? alert.labels.alertname ?? '';
    const when =
      status === 'resolved'
        ? `resolved after ${since(alert.startsAt, alert.endsAt)}`
        : `since ${since(alert.startsAt, now)}`;
    lines.push(
      `${icon} ${host !== '' ? `<code>${escapeHtml(host)}</code> ` : ''}${escapeHtml(summary)} <i>(${when}, id ${alert.fingerprint.slice(0, 8)})</i>`,
    );
  }
  if (dashboardURL !== '') lines.push(`<a href="${escapeHtml(dashboardURL)}">Open in Vigie</a>`);
  return lines.join('\n');
}

/** splitMessage cuts a text into parts of at most `max` characters, at line breaks where possible. */
export function splitMessage(text: string, max = TELEGRAM_MAX_TEXT): string[] {
  const parts: string[] = [];
  let cur = '';
  for (const line of text.split('\n')) {
    let l = line;
    while (l.length > max) {
      if (cur !== '') parts.push(cur);
      cur = '';
      parts.push(l.slice(0, max));
      l = l.slice(max);
    }
    const next = cur === '' ? l : `${cur}\n${l}`;
    if (next.length > max) {
      parts.push(cur);
      cur = l;
    } else cur = next;
  }
  if (cur !== '') parts.push(cur);
  return parts;
}
