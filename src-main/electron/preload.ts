// preload.ts: the sandboxed preload (bundled to CommonJS by scripts/build-desktop.js). It exposes one small
// typed object, never ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron';
import { createDesktopApi, DESKTOP_API_NAME } from './preload-api';

contextBridge.exposeInMainWorld(
  DESKTOP_API_NAME,
  createDesktopApi((channel, ...args) => ipcRenderer.invoke(channel, ...args)),
);
