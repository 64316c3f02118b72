import type * as ElectronModule from 'electron';
import type { BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { Appliance, ApplianceOptions } from '../appliance';
import type { VigieConfig } from '../config/api';
import { RendererRestartPolicy } from './crash-restart';
import { registerDesktopIpc } from './ipc';
import { KioskController, parseDesktopArgs, resolveKiosk } from './kiosk';
import { startLanShare, type LanShare } from './lan-share';
import { lanAccessReady } from './share-guard';
import { createDesktopNotifier, NotificationPause } from './notifications';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './protocol';
import { safeStorageCodec, SecretStore } from './secrets';
import { APP_SCHEME, guardSession, guardWebContents } from './security';
import { loadDesktopSettings, saveDesktopSettings, type DesktopSettings } from './settings';
import { TrayController } from './tray';
import { appUrl, mainWindowOptions, startUrl } from './window';
import { parseListen } from '../cli-args';

/** ElectronApi is the part of the electron module the shell uses: replaced by a fake in tests. */
export type ElectronApi = Pick<
  typeof ElectronModule,
  | 'app'
  | 'BrowserWindow'
  | 'ipcMain'
  | 'Menu'
  | 'nativeImage'
  | 'Notification'
  | 'powerSaveBlocker'
  | 'protocol'
  | 'safeStorage'
  | 'session'
  | 'shell'
  | 'Tray'
>;

/** ShellDeps are the shell's non-electron dependencies. */
export interface ShellDeps {
  startAppliance(o: ApplianceOptions): Promise<Pick<Appliance, 'fetch' | 'stop'>>;
  loadConfig(path?: string): Promise<VigieConfig>;
  /** preload is the bundled preload script's path. */
  preload: string;
  /** staticDir holds the renderer's built files. */
  staticDir: string;
  argv: readonly string[];
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

/** NOTIFICATION_PAUSE_MS is the tray's "pause notifications" span. */
export const NOTIFICATION_PAUSE_MS = 60 * 60 * 1000;

/** DesktopShell is a running desktop app: what tests and the quit path reach. */
export interface DesktopShell {
  window: BrowserWindow;
  tray: TrayController;
  kiosk: KioskController;
  settings: DesktopSettings;
  secrets: SecretStore | undefined;
  quit(): Promise<void>;
}

/** registerSchemes must run before the app is ready: app:// becomes a standard, secure scheme. */
export function registerSchemes(e: Pick<ElectronApi, 'protocol'>): void {
  e.protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

/**
 * runDesktop starts the desktop app once Electron is ready: the appliance in this process (no port), the
 * app:// protocol onto its fetch, one secure window, the tray, notifications and the preload's IPC. It
 * returns undefined when another instance already runs (that one is focused and this one quits).
 */
export async function runDesktop(e: ElectronApi, d: ShellDeps): Promise<DesktopShell | undefined> {
  const { app } = e;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  await app.whenReady();
  const log = (m: string): void => d.log('info', m);
  const dataDir = app.getPath('userData');
  const settingsFile = join(dataDir, 'desktop.json');
  const settings = loadDesktopSettings(settingsFile);
  const save = (): void => saveDesktopSettings(settingsFile, settings);
  const secrets = openSecrets(e, dataDir, d);

  const config = await d.loadConfig(process.env.VIGIE_CONFIG);
  const pause = new NotificationPause();
  const ui: { window?: BrowserWindow } = {}; // set once created; notifications may come before
  const show = (path?: string): void => {
    const window = ui.window;
    if (window === undefined || window.isDestroyed()) return;
    if (path !== undefined) void window.loadURL(appUrl(path));
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  const desktopNotifier = createDesktopNotifier({
    isSupported: () => e.Notification.isSupported(),
    create: (o) => new e.Notification(o),
    openAlert: (url) => show(url),
    pause,
    log,
  });
  const appliance = await d.startAppliance({
    config,
    ...(process.env.VIGIE_CONFIG !== undefined ? { configFile: process.env.VIGIE_CONFIG } : {}),
    dataDir,
    localAgent: config.local_agent.enabled,
    staticDir: d.staticDir,
    desktopNotifier,
    ...(secrets !== undefined ? { secrets } : {}),
    log: d.log,
  });

  guardSession(e.session.defaultSession);
  e.protocol.handle(APP_SCHEME, createAppProtocolHandler(appliance.fetch, log));

  const kioskOn = resolveKiosk(parseDesktopArgs(d.argv), settings.kiosk);
  const win = new e.BrowserWindow(mainWindowOptions({ preload: d.preload, kiosk: kioskOn }));
  ui.window = win;
  guardWebContents(win.webContents, { openExternal: (url) => e.shell.openExternal(url), log });
  win.once('ready-to-show', () => win.show());
  // Closing the window keeps Vigie watching from the tray; "Quit" in the tray ends it.
  win.on('close', (ev) => {
    if (!quitting) {
      ev.preventDefault();
      win.hide();
    }
  });
  const restarts = new RendererRestartPolicy({ maxRestarts: settings.restartLimit });
  win.webContents.on('render-process-gone', (_ev, details) => {
    const decision = restarts.decide(details.reason);
    d.log(decision === 'give-up' ? 'error' : 'warn', `renderer gone (${details.reason}): ${decision}`);
    if (decision === 'reload') win.webContents.reload();
  });
  app.on('second-instance', () => show());
  app.on('activate', () => show()); // macOS: clicking the dock icon brings the hidden window back

  const kiosk = new KioskController(win, {
    preventDisplaySleep: () => e.powerSaveBlocker.start('prevent-display-sleep'),
    allowDisplaySleep: (id) => e.powerSaveBlocker.stop(id),
    setStartAtLogin: (on) => app.setLoginItemSettings({ openAtLogin: on, args: on ? ['--kiosk'] : [] }),
  });
  const setKiosk = async (on: boolean): Promise<boolean> => {
    await kiosk.set(on);
    settings.kiosk = on;
    save();
    tray.update({ kiosk: on });
    return on;
  };

  let share: LanShare | undefined;
  const setSharing = async (on: boolean): Promise<void> => {
    if (on && share === undefined && !(await lanAccessReady(appliance.fetch))) {
      d.log('warn', 'share on LAN: set a password and turn sharing on in Settings first');
      show('/settings');
      on = false;
    }
    if (on && share === undefined)
      share = await startLanShare(appliance.fetch, parseListen(settings.lanListen));
    if (!on && share !== undefined) await share.close().finally(() => (share = undefined));
    settings.shareOnLan = on;
    save();
    tray.update({ sharingUrl: share?.url });
  };

  let quitting = false;
  const quit = async (): Promise<void> => {
    if (quitting) return;
    quitting = true;
    tray.stop();
    kiosk.dispose();
    removeIpc();
    await share?.close().catch((err: unknown) => d.log('error', `share on LAN: ${err}`));
    await appliance.stop().catch((err: unknown) => d.log('error', `while stopping: ${err}`));
    app.exit(0);
  };
  app.on('before-quit', (ev) => {
    if (quitting) return;
    ev.preventDefault(); // flush storage first, then exit
    void quit();
  });

  const tray = new TrayController({
    createTray: (image) => new e.Tray(image),
    image: (bitmap, size) => e.nativeImage.createFromBitmap(bitmap, { width: size, height: size }),
    buildMenu: (template) => e.Menu.buildFromTemplate(template),
    fetch: appliance.fetch,
    pollMs: settings.alertPollMs,
    log,
    actions: {
      open: () => show(),
      setKiosk: (on) => void setKiosk(on).catch((err: unknown) => d.log('error', `kiosk: ${err}`)),
      pauseNotifications: () => {
        pause.pauseFor(NOTIFICATION_PAUSE_MS);
        tray.update({ pausedUntil: pause.until });
      },
      resumeNotifications: () => {
        pause.resume();
        tray.update({ pausedUntil: undefined });
      },
      setSharing: (on) => void setSharing(on).catch((err: unknown) => d.log('error', String(err))),
      quit: () => void quit(),
    },
  });
  tray.update({ kiosk: kioskOn });
  tray.start();

  const removeIpc = registerDesktopIpc(
    e.ipcMain,
    {
      notificationPermission: () =>
        e.Notification.isSupported() && pause.until === undefined ? 'granted' : 'denied',
      setKiosk,
      openDataFolder: async () => {
        const err = await e.shell.openPath(dataDir);
        if (err !== '') throw new Error(`cannot open ${dataDir}: ${err}`);
      },
      appVersion: () => app.getVersion(),
    },
    log,
  );

  if (kioskOn) await kiosk.set(true);
  else await win.loadURL(startUrl(false));
  if (settings.startAtLogin) kiosk.setStartAtLogin(true);
  if (settings.shareOnLan) await setSharing(true).catch((err: unknown) => d.log('error', String(err)));
  return { window: win, tray, kiosk, settings, secrets, quit };
}

/**
 * openSecrets opens the desktop's encrypted secrets file. Where the OS offers no encryption the app still
 * runs, without stored secrets, and says why.
 */
function openSecrets(e: ElectronApi, dataDir: string, d: ShellDeps): SecretStore | undefined {
  try {
    return new SecretStore(join(dataDir, 'secrets.json'), safeStorageCodec(e.safeStorage));
  } catch (err) {
    d.log('warn', `secrets unavailable: ${(err as Error).message}`);
    return undefined;
  }
}
