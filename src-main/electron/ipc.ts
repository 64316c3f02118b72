import type { IpcMainInvokeEvent } from 'electron';
import { IPC_CHANNELS } from './ipc-channels';
import { isAppUrl } from './security';

export { IPC_CHANNELS };

/** SenderFrame is the part of an IPC event's sender frame the check reads. */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/**
 * isTrustedSender accepts IPC only from the app's own top-level page: never from a sub-frame, another
 * origin or a frame that is already gone (senderFrame null).
 */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url);
}

/** DesktopHandlers are the main-process implementations of the preload's calls. */
export interface DesktopHandlers {
  notificationPermission(): 'granted' | 'denied';
  setKiosk(on: boolean): Promise<boolean>;
  openDataFolder(): Promise<void>;
  appVersion(): string;
}

/** IpcMainLike is the part of electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/**
 * registerDesktopIpc installs the handlers behind the preload's API. Each checks its sender and its
 * arguments' types before acting; it returns a function that removes them.
 */
export function registerDesktopIpc(
  ipcMain: IpcMainLike,
  h: DesktopHandlers,
  log: (message: string) => void,
): () => void {
  const guarded =
    (channel: string, run: (args: unknown[]) => unknown) =>
    (event: IpcMainInvokeEvent, ...args: unknown[]): unknown => {
      if (!isTrustedSender(event.senderFrame)) {
        log(`refused IPC ${channel} from ${event.senderFrame?.url ?? 'a closed frame'}`);
        throw new Error(`${channel}: sender not allowed`);
      }
      return run(args);
    };
  const routes: Record<string, (args: unknown[]) => unknown> = {
    [IPC_CHANNELS.notificationPermission]: () => h.notificationPermission(),
    [IPC_CHANNELS.setKiosk]: ([on]) => {
      if (typeof on !== 'boolean')
        throw new Error(`${IPC_CHANNELS.setKiosk}: expected a boolean, got ${typeof on}`);
      return h.setKiosk(on);
    },
    [IPC_CHANNELS.openDataFolder]: () => h.openDataFolder(),
    [IPC_CHANNELS.appVersion]: () => h.appVersion(),
  };
  for (const [channel, run] of Object.entries(routes)) ipcMain.handle(channel, guarded(channel, run));
  return () => Object.keys(routes).forEach((c) => ipcMain.removeHandler(c));
}
