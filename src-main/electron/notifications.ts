import type { DesktopNotification, DesktopNotifier, DesktopSeverity } from '../notify/api';

/** NativeNotificationOptions is the subset of Electron's NotificationConstructorOptions Vigie sets. */
export interface NativeNotificationOptions {
  title: string;
  body: string;
  urgency: 'low' | 'normal' | 'critical';
  silent: boolean;
  timeoutType: 'default' | 'never';
}

/** NativeNotification is the part of Electron's Notification the desktop channel uses. */
export interface NativeNotification {
  on(event: 'click' | 'close', listener: () => void): void;
  show(): void;
  close(): void;
}

/** NotifierDeps inject electron's Notification class and the window opener. */
export interface NotifierDeps {
  isSupported(): boolean;
  create(options: NativeNotificationOptions): NativeNotification;
  /** openAlert brings the window forward on the alert's page. */
  openAlert(url: string): void;
  /** pause says until when notifications are held back. */
  pause: NotificationPause;
  log?(message: string): void;
}

/** notificationOptions maps an alert notification onto native options: critical ones stay until dismissed and make a sound. */
export function notificationOptions(n: DesktopNotification): NativeNotificationOptions {
  const urgency: Record<DesktopSeverity, NativeNotificationOptions['urgency']> = {
    critical: 'critical',
    warning: 'normal',
    info: 'low',
  };
  return {
    title: n.title,
    body: n.body,
    urgency: urgency[n.severity] ?? 'normal',
    silent: n.severity === 'info',
    timeoutType: n.severity === 'critical' ? 'never' : 'default',
  };
}

/** NotificationPause holds back desktop notifications until a time (the tray's "pause for 1 hour"). */
export class NotificationPause {
  #until: number | undefined;
  constructor(private readonly now: () => number = Date.now) {}

  /** pauseFor holds notifications for ms from now. */
  pauseFor(ms: number): void {
    this.#until = this.now() + ms;
  }

  resume(): void {
    this.#until = undefined;
  }

  /** until is when the pause ends, or undefined when notifications flow (an elapsed pause clears itself). */
  get until(): number | undefined {
    if (this.#until !== undefined && this.#until <= this.now()) this.#until = undefined;
    return this.#until;
  }
}

/**
 * createDesktopNotifier implements the alert router's desktop port with native notifications. A newer
 * notification for the same alert group replaces the shown one; a click opens the alert in the window.
 * While paused or where the OS has no notification service, notifications are dropped (the alert stays
 * visible in the app and the tray colour).
 */
export function createDesktopNotifier(deps: NotifierDeps): DesktopNotifier {
  const shown = new Map<string, NativeNotification>();
  return {
    async notify(n) {
      if (deps.pause.until !== undefined) return;
      if (!deps.isSupported()) {
        deps.log?.(`desktop notifications are not supported here; dropped "${n.title}"`);
        return;
      }
      shown.get(n.id)?.close();
      const native = deps.create(notificationOptions(n));
      native.on('click', () => deps.openAlert(n.url));
      native.on('close', () => {
        if (shown.get(n.id) === native) shown.delete(n.id);
      });
      shown.set(n.id, native);
      native.show();
    },
  };
}
