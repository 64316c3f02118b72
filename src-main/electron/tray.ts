import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import type { AppFetch } from './protocol';
import {
  summarizeAlertsResponse,
  trayIconBitmap,
  trayMenuTemplate,
  trayTooltip,
  type TrayActions,
  type TrayState,
} from './tray-state';

/** TrayLike is the part of electron's Tray the controller drives. */
export interface TrayLike {
  setImage(image: NativeImage): void;
  setToolTip(text: string): void;
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): void;
  destroy(): void;
}

/** TrayDeps inject electron's Tray, nativeImage and Menu. */
export interface TrayDeps {
  createTray(image: NativeImage): TrayLike;
  image(bitmap: Buffer, size: number): NativeImage;
  buildMenu(template: MenuItemConstructorOptions[]): unknown;
  /** fetch reaches the web app in-process (no port) for /api/v1/alerts. */
  fetch: AppFetch;
  actions: TrayActions;
  /** pollMs is how often the firing alerts are re-read. */
  pollMs: number;
  log(message: string): void;
}

/** ICON_SIZE is the tray bitmap's side in pixels (the OS scales it). */
const ICON_SIZE = 32;

/**
 * TrayController keeps the tray icon's colour on the worst firing alert's severity, polling the app's own
 * Prometheus-compatible /api/v1/alerts in-process, and rebuilds the menu when the state changes.
 */
export class TrayController {
  readonly #tray: TrayLike;
  #state: TrayState = { level: 'unknown', firing: 0, kiosk: false };
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: TrayDeps) {
    this.#tray = deps.createTray(this.#icon());
    this.#tray.on('click', () => deps.actions.open());
    this.#render();
  }

  get state(): TrayState {
    return this.#state;
  }

  /** update merges a change (kiosk, pause, sharing) into the state and redraws. */
  update(change: Partial<TrayState>): void {
    const before = this.#state;
    this.#state = { ...before, ...change };
    if (this.#state.level !== before.level) this.#tray.setImage(this.#icon());
    this.#render();
  }

  /** refresh reads the firing alerts once and redraws. */
  async refresh(): Promise<void> {
    let summary: ReturnType<typeof summarizeAlertsResponse>;
    try {
      const res = await this.deps.fetch(new Request('http://vigie.internal/api/v1/alerts'));
      const body: unknown = res.headers.get('content-type')?.includes('json') ? await res.json() : undefined;
      summary = summarizeAlertsResponse(res.status, body);
    } catch (err) {
      this.deps.log(`tray: cannot read alerts: ${err}`);
      summary = { level: 'unknown', firing: 0 };
    }
    this.update(summary);
  }

  /** start polls the alerts every pollMs until stop. */
  start(): void {
    const tick = (): void => {
      void this.refresh().finally(() => {
        if (this.#timer !== undefined) this.#timer = setTimeout(tick, this.deps.pollMs);
      });
    };
    this.#timer = setTimeout(tick, 0);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#tray.destroy();
  }

  #icon(): NativeImage {
    return this.deps.image(trayIconBitmap(this.#state.level, ICON_SIZE), ICON_SIZE);
  }

  #render(): void {
    this.#tray.setToolTip(trayTooltip(this.#state));
    this.#tray.setContextMenu(this.deps.buildMenu(trayMenuTemplate(this.#state, this.deps.actions)));
  }
}
