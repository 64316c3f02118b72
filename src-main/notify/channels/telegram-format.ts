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
  // A part of a split group counts the whole group: the reader sees the storm's size at once.
  const nFiring = n.part?.firing ?? firing.length;
  const nResolved = n.part?.resolved ?? resolved.length;
  const head =
    nFiring > 0
      ? `${EMOJI[n.commonLabels.severity ?? ''] ?? '⚠️'} <b>${escapeHtml(name)}</b> — ${nFiring} firing`
      : `✅ <b>${escapeHtml(name)}</b> — resolved`;
  const part = n.part !== undefined && n.part.count > 1 ? ` (${n.part.index}/${n.part.count})` : '';
  lines.push((nResolved > 0 && nFiring > 0 ? `${head}, ${nResolved} resolved` : head) + part);
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

/**
 * splitNotification cuts a group's notification into notifications whose messages each fit Telegram's
 * limit (leaving `reserve` characters for a link), numbered (1/n)…, so a storm of alerts becomes a few full
 * messages, each stored and retried on its own by the outbox: a failure re-sends one message, not all.
 */
export function splitNotification(
  n: Notification,
  now: number,
  dashboardURL = '',
  max = TELEGRAM_MAX_TEXT,
): Notification[] {
  if (formatTelegram(n, now, dashboardURL).length <= max || n.alerts.length <= 1) return [n];
  const firing = n.alerts.filter((a) => a.status === 'firing').length;
  const totals = { firing, resolved: n.alerts.length - firing };
  // Measured with a part number as wide as any the split can produce, " (9999/9999)".
  const widest = { ...totals, index: 9999, count: 9999 };
  const chunks: Notification['alerts'][] = [];
  let cur: Notification['alerts'] = [];
  for (const a of n.alerts) {
    const next = [...cur, a];
    if (
      cur.length > 0 &&
      formatTelegram({ ...n, alerts: next, part: widest }, now, dashboardURL).length > max
    ) {
      chunks.push(cur);
      cur = [a];
    } else cur = next;
  }
  if (cur.length > 0) chunks.push(cur);
  return chunks.map((alerts, i) => ({
    ...n,
    alerts,
    part: { ...totals, index: i + 1, count: chunks.length },
  }));
}
