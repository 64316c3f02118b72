// registry-store.ts: where the agent registry lives — one document per agent in the appliance's
// DocumentStore (the database) — and the one-time import of pairing/agents.json of earlier versions.
import { readLegacyJson, retireLegacyFile, type DocumentStore } from '../state/api';
import type { AgentRecord } from './api';

/** AGENTS_KIND is the document kind of agent records; a record's document id is the agent id. */
export const AGENTS_KIND = 'pairing-agents';

interface FileShape {
  version: 1;
  agents: AgentRecord[];
}

/** checkRecord validates one stored record; `where` names it in the error (file and index, or document). */
export function checkRecord(value: unknown, where: string): AgentRecord {
  const a = (value ?? {}) as Partial<AgentRecord>;
  for (const f of ['id', 'hostname', 'address', 'fingerprint', 'publicKey'] as const)
    if (typeof a[f] !== 'string') throw new Error(`${where}.${f} must be a string`);
  if (!['pending', 'adopted', 'rejected'].includes(a.state as string))
    throw new Error(`${where}.state must be pending, adopted or rejected, not ${JSON.stringify(a.state)}`);
  return { ...(a as AgentRecord), conflicts: Array.isArray(a.conflicts) ? a.conflicts : [] };
}

/**
 * loadRecords reads every agent record of the store. A broken record is an error naming it, never
 * dropped: forgetting a rejection or a pinned key would let an impostor in.
 */
export async function loadRecords(store: DocumentStore): Promise<AgentRecord[]> {
  return (await store.list(AGENTS_KIND)).map((d) => checkRecord(d.doc, `agent registry (database): ${d.id}`));
}

/**
 * migrateAgentsFile imports agents.json of an earlier version into the store, then renames it to
 * `*.migrated` so the import runs once and the original stays for the user. It resolves how many records
 * were imported (0 without a file). A broken file is refused, naming the file and the field.
 */
export async function migrateAgentsFile(path: string, store: DocumentStore): Promise<number> {
  const data = await readLegacyJson(path);
  if (data === undefined) return 0;
  const d = data as Partial<FileShape>;
  if (d.version !== 1 || !Array.isArray(d.agents))
    throw new Error(`${path}: expected {"version": 1, "agents": [...]}`);
  const records = d.agents.map((a, i) => checkRecord(a, `${path}: agents[${i}]`));
  for (const r of records) await store.put(AGENTS_KIND, r.id, r, r.lastSeen);
  await retireLegacyFile(path);
  return records.length;
}
