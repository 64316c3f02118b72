// main.ts: the desktop app's entry (bundled to dist/electron-main.js by scripts/build-desktop.js). All the
// logic lives in shell.ts and the modules it wires; this file only hands them the real electron module.
// First: V8 heap settings for the main process, where the core runs (heap-flags.ts); Electron's js-flags
// switch would reach the main process only from the command line.
import '../heap-flags-apply';
import * as electron from 'electron';
import { join } from 'node:path';
import { startAppliance } from '../appliance';
import { loadConfig } from '../config/load';
import { registerSchemes, runDesktop } from './shell';

/** log prints the desktop app's log lines on stderr, like `vigie serve`. */
const log = (level: string, message: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${level} ${message}\n`);
};

registerSchemes(electron);
// The bundle sits in dist/ beside its preload; the renderer's files in dist/renderer.
const here = import.meta.dirname;
runDesktop(electron, {
  startAppliance,
  loadConfig,
  preload: join(here, 'electron-preload.cjs'),
  staticDir: join(here, 'renderer'),
  argv: process.argv,
  log,
}).catch((err: unknown) => {
  log('error', `Vigie could not start: ${(err as Error).message}`);
  electron.dialog.showErrorBox('Vigie could not start', (err as Error).message);
  electron.app.exit(1);
});
