import type { Session, WebContents, WebPreferences } from 'electron';

/** APP_SCHEME is the custom scheme the window loads the renderer from; APP_HOST is its only host. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'vigie';
/** APP_ORIGIN is the renderer's origin: the only one allowed to navigate, ask permissions or call IPC. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * CONTENT_SECURITY_POLICY is sent with every app:// response. Scripts only from the app itself (no inline,
 * no eval), requests only to the app, no plugins, no framing. Inline styles stay allowed because Vue and
 * Chart.js set element styles; that cannot run script.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** isAppUrl says whether a URL belongs to the app's own origin (app://vigie/…). */
export function isAppUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** isWebUrl says whether a URL may be handed to the system browser: http(s) only, never file: or custom schemes. */
export function isWebUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host !== '';
  } catch {
    return false;
  }
}

/**
 * secureWebPreferences are the window's web preferences from Electron's security checklist: sandboxed,
 * isolated renderer without Node, no webview, no insecure content; `preload` is the one bridge.
 */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/** LINK_DISPOSITIONS are the window-open dispositions Chromium reports for a clicked link (target=_blank, middle or shift click). */
const LINK_DISPOSITIONS = new Set(['foreground-tab', 'background-tab', 'new-window']);

/**
 * externalLinkTarget decides a `window.open`/target=_blank request: the app never opens a second window;
 * an http(s) link the user clicked is returned to open in the system browser, anything else is dropped.
 */
export function externalLinkTarget(details: { url: string; disposition: string }): string | undefined {
  return LINK_DISPOSITIONS.has(details.disposition) && isWebUrl(details.url) ? details.url : undefined;
}

/** allowPermission grants the app's own pages desktop notifications and nothing else (camera, geolocation, …). */
export function allowPermission(permission: string, requestingUrl: string | undefined): boolean {
  return permission === 'notifications' && requestingUrl !== undefined && isAppUrl(requestingUrl);
}

/** GuardDeps are the parts of electron the guards use, injected so tests can drive them. */
export interface GuardDeps {
  openExternal(url: string): Promise<void>;
  log(message: string): void;
}

/**
 * guardWebContents installs the navigation guard on one window's contents: navigations and redirects away
 * from app:// are cancelled, new windows denied (clicked http(s) links go to the system browser), webviews
 * refused.
 */
export function guardWebContents(contents: WebContents, deps: GuardDeps): void {
  const stayInApp = (event: { preventDefault(): void }, url: string): void => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    deps.log(`blocked navigation to ${url}`);
  };
  contents.on('will-navigate', (event) => stayInApp(event, event.url));
  contents.on('will-redirect', (event) => stayInApp(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler((details) => {
    const external = externalLinkTarget(details);
    if (external !== undefined)
      deps.openExternal(external).catch((e: unknown) => deps.log(`cannot open ${external}: ${e}`));
    else deps.log(`blocked window.open of ${details.url}`);
    return { action: 'deny' };
  });
}

/** guardSession makes the session grant only notifications, and only to app:// pages. */
export function guardSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowPermission(permission, details.requestingUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    allowPermission(permission, requestingOrigin),
  );
}
