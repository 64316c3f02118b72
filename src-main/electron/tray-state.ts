import type { MenuItemConstructorOptions } from 'electron';

/** TrayLevel is what the tray icon shows: the worst firing alert's severity, all clear, or no answer yet. */
export type TrayLevel = 'critical' | 'warning' | 'info' | 'ok' | 'unknown';

/** RGB is a colour as red, green, blue bytes. */
export type RGB = readonly [number, number, number];

/** TRAY_COLOURS are the icon colours per level: traffic-light red/amber/green, blue for info, grey for unknown. */
export const TRAY_COLOURS: Record<TrayLevel, RGB> = {
  critical: [0xd3, 0x2f, 0x2f],
  warning: [0xf5, 0x9e, 0x0b],
  info: [0x25, 0x63, 0xeb],
  ok: [0x16, 0xa3, 0x4a],
  unknown: [0x80, 0x80, 0x80],
};

const RANK: Record<TrayLevel, number> = { unknown: -1, ok: 0, info: 1, warning: 2, critical: 3 };

/** AlertLike is the part of a Prometheus `/api/v1/alerts` entry the tray reads. */
export interface AlertLike {
  state: string;
  labels: Record<string, string>;
}

/** severityLevel maps an alert's `severity` label onto a tray level; unknown or missing values count as warning. */
export function severityLevel(severity: string | undefined): Exclude<TrayLevel, 'ok' | 'unknown'> {
  const s = (severity ?? '').toLowerCase();
  if (s === 'critical' || s === 'page' || s === 'error') return 'critical';
  if (s === 'info' || s === 'informational' || s === 'none') return 'info';
  return 'warning';
}

/** worstFiringLevel is the worst severity among firing alerts (pending ones do not count), `ok` when none fire. */
export function worstFiringLevel(alerts: readonly AlertLike[]): TrayLevel {
  let worst: TrayLevel = 'ok';
  for (const a of alerts) {
    if (a.state !== 'firing') continue;
    const level = severityLevel(a.labels.severity);
    if (RANK[level] > RANK[worst]) worst = level;
  }
  return worst;
}

/**
 * summarizeAlertsResponse reads a `/api/v1/alerts` answer (Prometheus's envelope) into the tray's level and
 * firing count. A failed request or an unexpected body is `unknown` (grey), never a reassuring green.
 */
export function summarizeAlertsResponse(status: number, body: unknown): { level: TrayLevel; firing: number } {
  const data =
    typeof body === 'object' && body !== null ? (body as { data?: { alerts?: unknown } }).data : undefined;
  if (status !== 200 || !Array.isArray(data?.alerts)) return { level: 'unknown', firing: 0 };
  const alerts = data.alerts as AlertLike[];
  return { level: worstFiringLevel(alerts), firing: alerts.filter((a) => a.state === 'firing').length };
}

/**
 * trayIconBitmap draws the tray icon: a filled disc of the level's colour, anti-aliased at the edge, as
 * the raw BGRA pixels `nativeImage.createFromBitmap` takes. Drawn, not shipped as files, so every level
 * and size exists.
 */
export function trayIconBitmap(level: TrayLevel, size = 16): Buffer {
  const [r, g, b] = TRAY_COLOURS[level];
  const buf = Buffer.alloc(size * size * 4);
  const c = (size - 1) / 2;
  const radius = size / 2 - 0.5;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      const alpha = Math.max(0, Math.min(1, radius - d + 0.5));
      const i = (y * size + x) * 4;
      // Premultiplied BGRA, as Skia stores it.
      buf[i] = Math.round(b * alpha);
      buf[i + 1] = Math.round(g * alpha);
      buf[i + 2] = Math.round(r * alpha);
      buf[i + 3] = Math.round(255 * alpha);
    }
  return buf;
}

/** TrayState is everything the tray shows. */
export interface TrayState {
  level: TrayLevel;
  firing: number;
  kiosk: boolean;
  /** pausedUntil is when paused notifications resume (ms since epoch), undefined when not paused. */
  pausedUntil?: number;
  /** sharingUrl is the LAN address while "share on LAN" is on. */
  sharingUrl?: string;
}

/** trayTooltip is the one-line hover text: the state in words, so the colour is not the only signal. */
export function trayTooltip(s: TrayState): string {
  const what: Record<TrayLevel, string> = {
    critical: 'critical alerts firing',
    warning: 'warnings firing',
    info: 'informational alerts firing',
    ok: 'all clear',
    unknown: 'alert state unknown',
  };
  const count = s.level === 'ok' || s.level === 'unknown' ? '' : ` (${s.firing})`;
  const paused = s.pausedUntil !== undefined ? ', notifications paused' : '';
  const shared = s.sharingUrl !== undefined ? `, shared at ${s.sharingUrl}` : '';
  return `Vigie: ${what[s.level]}${count}${paused}${shared}`;
}

/** TrayActions are what the tray menu's items do. */
export interface TrayActions {
  open(): void;
  setKiosk(on: boolean): void;
  pauseNotifications(): void;
  resumeNotifications(): void;
  setSharing(on: boolean): void;
  quit(): void;
}

/** trayMenuTemplate is the tray menu: open, kiosk mode, pause notifications for 1 h, share on LAN, quit. */
export function trayMenuTemplate(
  s: TrayState,
  a: TrayActions,
  now: number = Date.now(),
): MenuItemConstructorOptions[] {
  const paused = s.pausedUntil !== undefined && s.pausedUntil > now;
  const until = paused ? new Date(s.pausedUntil!).toTimeString().slice(0, 5) : '';
  return [
    { label: trayTooltip(s).replace(/^Vigie: /, ''), enabled: false },
    { type: 'separator' },
    { label: 'Open Vigie', click: () => a.open() },
    { label: 'Kiosk mode', type: 'checkbox', checked: s.kiosk, click: () => a.setKiosk(!s.kiosk) },
    paused
      ? { label: `Resume notifications (paused until ${until})`, click: () => a.resumeNotifications() }
      : { label: 'Pause notifications for 1 hour', click: () => a.pauseNotifications() },
    {
      label: 'Share on LAN',
      type: 'checkbox',
      checked: s.sharingUrl !== undefined,
      click: () => a.setSharing(s.sharingUrl === undefined),
    },
    { type: 'separator' },
    { label: 'Quit Vigie', click: () => a.quit() },
  ];
}
