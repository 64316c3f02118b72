import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { parseListen } from '../cli-args';

/** DESKTOP_SETTINGS_SCHEMA validates desktop.json; every field has a default so an empty file is valid. */
const DESKTOP_SETTINGS_SCHEMA = z
  .object({
    kiosk: z.boolean().default(false),
    startAtLogin: z.boolean().default(false),
    shareOnLan: z.boolean().default(false),
    /** lanListen is where "share on LAN" listens (host:port). */
    lanListen: z
      .string()
      .refine(isListenAddress, 'expected HOST:PORT, e.g. 0.0.0.0:9742')
      .default('0.0.0.0:9742'),
    /** alertPollMs is how often the tray re-reads the firing alerts. */
    alertPollMs: z.number().int().min(1000).max(600_000).default(15_000),
    /** restartLimit bounds automatic renderer restarts per minute. */
    restartLimit: z.number().int().min(0).max(100).default(5),
  })
  .strict();

/** DesktopSettings are the desktop app's own preferences (the appliance's live in the YAML configuration). */
export type DesktopSettings = z.infer<typeof DESKTOP_SETTINGS_SCHEMA>;

/** parseDesktopSettings validates settings JSON text; errors name the file and the field. */
export function parseDesktopSettings(text: string, file: string): DesktopSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: invalid JSON (${(err as Error).message})`, { cause: err });
  }
  const r = DESKTOP_SETTINGS_SCHEMA.safeParse(raw);
  if (!r.success)
    throw new Error(
      `${file}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

/** loadDesktopSettings reads the settings file; a missing file gives the defaults. */
export function loadDesktopSettings(file: string): DesktopSettings {
  try {
    return parseDesktopSettings(readFileSync(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return DESKTOP_SETTINGS_SCHEMA.parse({});
    throw err;
  }
}

/** saveDesktopSettings writes the settings atomically. */
export function saveDesktopSettings(file: string, s: DesktopSettings): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`);
  renameSync(tmp, file);
}

/** isListenAddress says whether a string is a HOST:PORT the web listener accepts. */
function isListenAddress(s: string): boolean {
  try {
    parseListen(s);
    return true;
  } catch {
    return false;
  }
}
