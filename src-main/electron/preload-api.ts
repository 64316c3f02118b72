import { IPC_CHANNELS } from './ipc-channels';

/**
 * DesktopApi is everything the renderer can ask the desktop app for, exposed as `window.vigieDesktop`: only
 * what a browser cannot do. In a plain browser (vigie serve) the object is absent; the renderer checks.
 */
export interface DesktopApi {
  /** notificationPermission says whether desktop notifications can be shown. */
  notificationPermission(): Promise<'granted' | 'denied'>;
  /** setKiosk turns wall-screen mode on or off; resolves to the new state. */
  setKiosk(on: boolean): Promise<boolean>;
  /** openDataFolder shows the data folder in the system file manager. */
  openDataFolder(): Promise<void>;
  /** appVersion is the desktop app's version. */
  appVersion(): Promise<string>;
}

/** DESKTOP_API_NAME is the global the preload exposes the API under. */
export const DESKTOP_API_NAME = 'vigieDesktop';

/** Invoke is ipcRenderer.invoke, the one IPC primitive the preload uses (never exposed itself). */
export type Invoke = (channel: string, ...args: unknown[]) => Promise<unknown>;

/** createDesktopApi binds each DesktopApi method to its fixed channel; arguments are checked before they leave. */
export function createDesktopApi(invoke: Invoke): DesktopApi {
  return Object.freeze({
    notificationPermission: () =>
      invoke(IPC_CHANNELS.notificationPermission) as Promise<'granted' | 'denied'>,
    setKiosk: (on: boolean) => {
      if (typeof on !== 'boolean') return Promise.reject(new TypeError('setKiosk expects a boolean'));
      return invoke(IPC_CHANNELS.setKiosk, on) as Promise<boolean>;
    },
    openDataFolder: () => invoke(IPC_CHANNELS.openDataFolder) as Promise<void>,
    appVersion: () => invoke(IPC_CHANNELS.appVersion) as Promise<string>,
  });
}
