/**
 * DesktopSeverity is an alert's `severity` label as the desktop understands it. Unknown values are shown as
 * `warning`: a user who labels an alert at all wants it seen.
 */
export type DesktopSeverity = 'critical' | 'warning' | 'info';

/** DesktopNotification is one alert notification as the desktop channel receives it from the router. */
export interface DesktopNotification {
  /** id identifies the alert group: a newer notification with the same id replaces the older one. */
  id: string;
  title: string;
  body: string;
  severity: DesktopSeverity;
  /** url is the app path that shows the alert (e.g. `/alerts?group=…`), opened when the user clicks. */
  url: string;
}

/**
 * DesktopNotifier is the port the alert router's desktop channel calls. The Electron shell implements it
 * with native notifications (a click opens `url` in the app window); headless, there is none and the
 * router skips the channel. notify resolves once shown, or once dropped while notifications are paused.
 */
export interface DesktopNotifier {
  notify(n: DesktopNotification): Promise<void>;
}

/**
 * PostableAlert is one alert handed to the router, as Alertmanager's POST /api/v2/alerts takes it (times
 * in ms). endsAt at or before now means resolved; a firing alert's endsAt is a lease the sender renews.
 */
export interface PostableAlert {
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
}

/** Silence mutes the alerts matching all its matchers between startsAt and endsAt (ms). */
export interface Silence {
  id: string;
  /** matchers are Alertmanager matcher strings, e.g. `instance="web-1"`, `alertname=~"Disk.*"`. */
  matchers: string[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

/** AlertStatus is an alert as the router sees it now, for the UI and the bot's /alerts. */
export interface RoutedAlert extends PostableAlert {
  /** fingerprint is the alert's stable id (from its labels); `/ack <id>` takes its first 8 characters. */
  fingerprint: string;
  state: 'active' | 'suppressed' | 'resolved';
  silencedBy: string[];
  inhibitedBy: string[];
  acked: boolean;
  receivers: string[];
}

/** Router is the notify stage as the appliance, the web API and the bot use it. */
export interface Router {
  receive(alerts: readonly PostableAlert[]): void;
  alerts(): RoutedAlert[];
  silences(): Silence[];
  addSilence(s: Omit<Silence, 'id'> & { id?: string }): Promise<Silence>;
  expireSilence(id: string): Promise<boolean>;
  /** ack stops repeats of an alert (by fingerprint or its unique prefix) until it resolves. */
  ack(idOrPrefix: string): Promise<RoutedAlert | undefined>;
  /**
   * alertsOf resolves what an alert message's buttons refer to, `a<fingerprint>` (one alert) or `g<group
   * id>` (its group, see groupId), to the alerts still firing there; empty once they resolved.
   */
  alertsOf(ref: string): RoutedAlert[];
  stop(): Promise<void>;
}

/** TelegramTarget is the bot token and API root the setup helper talks to. */
export interface TelegramTarget {
  token: string;
  /** apiUrl defaults to https://api.telegram.org. */
  apiUrl?: string;
}

/** TelegramSetup backs the setup helper of the UI: check a token, find the chat id, send a test message. */
export interface TelegramSetup {
  /** getMe checks the token; it resolves the bot's username or rejects with Telegram's description. */
  getMe(t: TelegramTarget): Promise<{ id: number; username: string }>;
  /** findChat reads pending updates and returns the chat of the latest message sent to the bot, if any. */
  findChat(t: TelegramTarget): Promise<{ chatId: number; title: string; fromUserId?: number } | undefined>;
  sendTest(t: TelegramTarget, chatId: number): Promise<void>;
}
