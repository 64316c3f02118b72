// legacy-file.ts: reading the JSON files earlier versions kept, once, on their way into the database.
import { readFile, rename } from 'node:fs/promises';

/**
 * readLegacyJson reads a JSON file an earlier version wrote: undefined when there is none, an error naming
 * the file when it is not JSON (it is never silently skipped: what it holds would be lost).
 */
export async function readLegacyJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message}); fix or remove the file`, {
      cause: e,
    });
  }
}

/** retireLegacyFile renames an imported file to `*.migrated`: the import runs once, the original stays. */
export async function retireLegacyFile(path: string): Promise<void> {
  await rename(path, `${path}.migrated`);
}
