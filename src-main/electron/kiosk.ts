import { appUrl, HOME_PATH, KIOSK_PATH } from './window';

/** DesktopArgs are the desktop app's own command-line switches (Chromium's are ignored). */
export interface DesktopArgs {
  /** kiosk is true for --kiosk, false for --no-kiosk, undefined when neither (the setting decides). */
  kiosk?: boolean;
}

/** parseDesktopArgs reads --kiosk / --no-kiosk from Electron's argv; anything else belongs to Chromium or Electron. */
export function parseDesktopArgs(argv: readonly string[]): DesktopArgs {
  const out: DesktopArgs = {};
  for (const a of argv) {
    if (a === '--kiosk') out.kiosk = true;
    else if (a === '--no-kiosk') out.kiosk = false;
  }
  return out;
}

/** resolveKiosk applies the command line over the saved setting. */
export function resolveKiosk(args: DesktopArgs, setting: boolean): boolean {
  return args.kiosk ?? setting;
}

/** KioskWindow is the part of a BrowserWindow kiosk mode drives. */
export interface KioskWindow {
  setKiosk(on: boolean): void;
  setFullScreen(on: boolean): void;
  loadURL(url: string): Promise<void>;
}

/** KioskDeps are electron's powerSaveBlocker and login-item setting, injected. */
export interface KioskDeps {
  preventDisplaySleep(): number;
  allowDisplaySleep(id: number): void;
  setStartAtLogin(on: boolean): void;
}

/**
 * KioskController switches the wall-screen mode: full screen on the /kiosk playlist with the display kept
 * awake, or back to a normal window on the home page. It owns the power-save blocker so it is released
 * exactly once.
 */
export class KioskController {
  #blocker: number | undefined;
  #on = false;

  constructor(
    private readonly window: KioskWindow,
    private readonly deps: KioskDeps,
  ) {}

  /** active says whether kiosk mode is on. */
  get active(): boolean {
    return this.#on;
  }

  /** set turns kiosk mode on or off and loads the matching page; it is a no-op when nothing changes. */
  async set(on: boolean): Promise<void> {
    if (on === this.#on) return;
    this.#on = on;
    this.window.setKiosk(on);
    this.window.setFullScreen(on);
    if (on && this.#blocker === undefined) this.#blocker = this.deps.preventDisplaySleep();
    if (!on && this.#blocker !== undefined) {
      this.deps.allowDisplaySleep(this.#blocker);
      this.#blocker = undefined;
    }
    await this.window.loadURL(appUrl(on ? KIOSK_PATH : HOME_PATH));
  }

  /** setStartAtLogin registers or removes the app as a login item (a wall screen comes back after a power cut). */
  setStartAtLogin(on: boolean): void {
    this.deps.setStartAtLogin(on);
  }

  /** dispose releases the display-awake blocker. */
  dispose(): void {
    if (this.#blocker !== undefined) this.deps.allowDisplaySleep(this.#blocker);
    this.#blocker = undefined;
  }
}
