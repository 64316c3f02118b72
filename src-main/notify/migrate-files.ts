import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { DocumentStore } from '../state/api';
import { OUTBOX_KIND, type OutboxItem } from './outbox';

/** ROUTER_STATE is where the router's notification log, silences and acks are kept in the DocumentStore. */
export const ROUTER_STATE = { kind: 'notify', id: 'router' } as const;

/**
 * migrateNotifyFiles imports the JSON files earlier versions kept in `dir` (the outbox journal
 * `outbox.jsonl` and the router's `notify-state.json`) into the DocumentStore, then renames each to
 * `*.migrated`, so nothing already queued, silenced or acknowledged is lost and the import runs once.
 * Imports are idempotent (same ids), so a crash before the rename only repeats them.
 */
export async function migrateNotifyFiles(
  dir: string,
  store: DocumentStore,
  log: (level: 'info' | 'warn' | 'error', m: string) => void,
): Promise<void> {
  const journal = join(dir, 'outbox.jsonl');
  const text = await readIfThere(journal);
  if (text !== undefined) {
    const items = new Map<string, OutboxItem>();
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let r: { op: string; item?: OutboxItem; id?: string; attempts?: number; nextAttemptAt?: number };
      try {
        r = JSON.parse(line) as typeof r;
      } catch {
        continue; // a torn last line from a crash mid-append
      }
      if (r.op === 'add' && r.item !== undefined) items.set(r.item.id, r.item);
      else if (r.op === 'done' && r.id !== undefined) items.delete(r.id);
      else if (r.op === 'retry' && r.id !== undefined) {
        const it = items.get(r.id);
        if (it !== undefined)
          Object.assign(it, { attempts: r.attempts ?? it.attempts, nextAttemptAt: r.nextAttemptAt });
      }
    }
    for (const it of items.values()) await store.put(OUTBOX_KIND, it.id, it, it.createdAt);
    await rename(journal, `${journal}.migrated`);
    log('info', `${journal}: ${items.size} pending notifications moved into the database`);
  }
  const statePath = join(dir, 'notify-state.json');
  const state = await readIfThere(statePath);
  if (state !== undefined) {
    let doc: unknown;
    try {
      doc = JSON.parse(state);
    } catch (e) {
      log('error', `${statePath}: not valid JSON (${(e as Error).message}); left in place, not imported`);
      return;
    }
    await store.put(ROUTER_STATE.kind, ROUTER_STATE.id, doc);
    await rename(statePath, `${statePath}.migrated`);
    log('info', `${statePath}: silences, acks and notification log moved into the database`);
  }
}

async function readIfThere(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
