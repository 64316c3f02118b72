import { readLegacyJson, retireLegacyFile } from './legacy-file';
import type { DocumentStore, StoredDocument } from './api';

/**
 * migrateJsonFileStore imports a JsonFileStore file of an earlier version (`{kind: {id: document}}`, e.g.
 * state/documents.json with the dashboards) into `store`, keeping each document's save time, then renames
 * the file to `*.migrated` so the import runs once and the original stays for the user. It resolves how
 * many documents were imported (0 when there is no file). A corrupt file is refused with its name.
 */
export async function migrateJsonFileStore(path: string, store: DocumentStore): Promise<number> {
  const data = (await readLegacyJson(path)) as Record<string, Record<string, StoredDocument>> | undefined;
  if (data === undefined) return 0;
  let n = 0;
  for (const [kind, docs] of Object.entries(data ?? {}))
    for (const [id, d] of Object.entries(docs ?? {})) {
      await store.put(kind, id, d.doc, typeof d.updated === 'number' ? d.updated : undefined);
      n++;
    }
  await retireLegacyFile(path);
  return n;
}
