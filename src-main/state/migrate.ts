import { readFile, rename } from 'node:fs/promises';
import type { DocumentStore, StoredDocument } from './api';

/**
 * migrateJsonFileStore imports a JsonFileStore file of an earlier version (`{kind: {id: document}}`, e.g.
 * state/documents.json with the dashboards) into `store`, keeping each document's save time, then renames
 * the file to `*.migrated` so the import runs once and the original stays for the user. It resolves how
 * many documents were imported (0 when there is no file). A corrupt file is refused with its name.
 */
export async function migrateJsonFileStore(path: string, store: DocumentStore): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  let data: Record<string, Record<string, StoredDocument>>;
  try {
    data = JSON.parse(text) as typeof data;
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message}); fix or remove the file`);
  }
  let n = 0;
  for (const [kind, docs] of Object.entries(data ?? {}))
    for (const [id, d] of Object.entries(docs ?? {})) {
      await store.put(kind, id, d.doc, typeof d.updated === 'number' ? d.updated : undefined);
      n++;
    }
  await rename(path, `${path}.migrated`);
  return n;
}
