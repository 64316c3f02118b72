import { homedir, platform } from 'node:os';
import { join } from 'node:path';

/**
 * defaultDataDir is the OS user-data folder, the same one Electron's `app.getPath('userData')` gives an app
 * named "Vigie", so the desktop app and `vigie serve` on one machine share their data.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  os: NodeJS.Platform = platform(),
): string {
  if (os === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Vigie');
  if (os === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Vigie');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Vigie');
}
