// fake-electron.ts: a stand-in for the electron module in unit tests (the runtime binary is absent here).
// It records what the shell asks of Electron and lets a test fire Electron's events.
import { EventEmitter } from 'node:events';
import type { ElectronApi } from './shell';

/** FakeWebContents records guards and lets tests emit navigation and crash events. */
export class FakeWebContents extends EventEmitter {
  windowOpenHandler?: (d: { url: string; disposition: string }) => { action: string };
  reloads = 0;
  setWindowOpenHandler(h: (d: { url: string; disposition: string }) => { action: string }): void {
    this.windowOpenHandler = h;
  }
  reload(): void {
    this.reloads++;
  }
}

/** FakeBrowserWindow records its options, loaded URLs and kiosk state. */
export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  webContents = new FakeWebContents();
  urls: string[] = [];
  visible = false;
  minimized = false;
  kiosk = false;
  fullScreen = false;
  focused = 0;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.urls.push(url);
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused++;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return false;
  }
  setKiosk(on: boolean): void {
    this.kiosk = on;
  }
  setFullScreen(on: boolean): void {
    this.fullScreen = on;
  }
}

/** FakeTray records the icon, tooltip and menu it was given. */
export class FakeTray extends EventEmitter {
  static created: FakeTray[] = [];
  images: unknown[] = [];
  tooltip = '';
  menu: unknown;
  destroyed = false;
  constructor(image: unknown) {
    super();
    this.images.push(image);
    FakeTray.created.push(this);
  }
  setImage(image: unknown): void {
    this.images.push(image);
  }
  setToolTip(t: string): void {
    this.tooltip = t;
  }
  setContextMenu(m: unknown): void {
    this.menu = m;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

/** FakeNotification records shown notifications. */
export class FakeNotification extends EventEmitter {
  static shown: FakeNotification[] = [];
  static supported = true;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  closed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
  }
  show(): void {
    FakeNotification.shown.push(this);
  }
  close(): void {
    this.closed = true;
    this.emit('close');
  }
}

/** FakeElectron is the whole fake module plus what it recorded. */
export interface FakeElectron {
  electron: ElectronApi;
  app: EventEmitter & Record<string, unknown>;
  handlers: Map<string, (event: unknown, ...args: unknown[]) => unknown>;
  protocolHandlers: Map<string, (r: Request) => Promise<Response>>;
  privileged: unknown[];
  permissionRequest?: (
    wc: unknown,
    p: string,
    cb: (ok: boolean) => void,
    d: { requestingUrl: string },
  ) => void;
  loginItems: { openAtLogin: boolean }[];
  blockers: Set<number>;
  opened: string[];
  exitCode?: number;
  lockHeld: boolean;
}

/** fakeElectron builds a fresh fake; userData is where the app keeps its files. */
export function fakeElectron(userData: string, opts: { lock?: boolean } = {}): FakeElectron {
  FakeBrowserWindow.created = [];
  FakeTray.created = [];
  FakeNotification.shown = [];
  FakeNotification.supported = true;
  const f = {} as FakeElectron;
  const app = Object.assign(new EventEmitter(), {
    requestSingleInstanceLock: () => (f.lockHeld = opts.lock ?? true),
    quit: () => undefined,
    whenReady: () => Promise.resolve(),
    getPath: (name: string) => (name === 'userData' ? userData : `${userData}/${name}`),
    exit: (code: number) => (f.exitCode = code),
    setLoginItemSettings: (s: { openAtLogin: boolean }) => f.loginItems.push(s),
    getVersion: () => '9.9.9',
  });
  let nextBlocker = 1;
  Object.assign(f, {
    app,
    handlers: new Map(),
    protocolHandlers: new Map(),
    privileged: [],
    loginItems: [],
    blockers: new Set<number>(),
    opened: [],
  });
  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    ipcMain: {
      handle: (c: string, h: (event: unknown, ...args: unknown[]) => unknown) => f.handlers.set(c, h),
      removeHandler: (c: string) => f.handlers.delete(c),
    },
    Menu: { buildFromTemplate: (t: unknown) => ({ template: t }) },
    nativeImage: {
      createFromBitmap: (b: Buffer, o: { width: number }) => ({ bitmap: b, width: o.width }),
    },
    powerSaveBlocker: {
      start: () => {
        const id = nextBlocker++;
        f.blockers.add(id);
        return id;
      },
      stop: (id: number) => f.blockers.delete(id),
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => f.privileged.push(...s),
      handle: (scheme: string, h: (r: Request) => Promise<Response>) => f.protocolHandlers.set(scheme, h),
    },
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(s, 'utf8').reverse(),
      decryptString: (b: Buffer) => Buffer.from(b).reverse().toString('utf8'),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: FakeElectron['permissionRequest']) => (f.permissionRequest = h),
        setPermissionCheckHandler: () => undefined,
      },
    },
    shell: {
      openExternal: async (url: string) => void f.opened.push(url),
      openPath: async () => '',
    },
  };
  f.electron = electron as unknown as ElectronApi;
  return f;
}
