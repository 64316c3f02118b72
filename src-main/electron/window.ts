import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_ORIGIN, secureWebPreferences } from './security';

/** WindowSettings are what decides the main window's shape. */
export interface WindowSettings {
  /** preload is the bundled preload script's absolute path. */
  preload: string;
  kiosk: boolean;
  /** icon is the window icon's path where the platform uses one (Linux). */
  icon?: string;
}

/** HOME_PATH and KIOSK_PATH are the renderer pages a normal window and a wall screen open on. */
export const HOME_PATH = '/';
export const KIOSK_PATH = '/kiosk';

/** appUrl is the app:// address of a renderer path (`/alerts?x=1` → `app://vigie/alerts?x=1`). */
export function appUrl(path: string): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  return `${APP_ORIGIN}${p}`;
}

/** startUrl is the page the window opens on: the kiosk playlist on a wall screen, the home page otherwise. */
export function startUrl(kiosk: boolean): string {
  return appUrl(kiosk ? KIOSK_PATH : HOME_PATH);
}

/**
 * mainWindowOptions are the BrowserWindow options of Vigie's one window: hidden until its first paint (no
 * white flash), secure web preferences, and full screen without chrome in kiosk mode.
 */
export function mainWindowOptions(s: WindowSettings): BrowserWindowConstructorOptions {
  return {
    title: 'Vigie',
    width: 1280,
    height: 800,
    minWidth: 640,
    minHeight: 480,
    show: false,
    backgroundColor: '#111418',
    autoHideMenuBar: true,
    kiosk: s.kiosk,
    fullscreen: s.kiosk,
    ...(s.icon !== undefined ? { icon: s.icon } : {}),
    webPreferences: secureWebPreferences(s.preload),
  };
}
