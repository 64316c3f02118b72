// heap-summary.ts: the largest kinds of objects in a V8 heap snapshot, by self size (what the objects
// themselves hold, not what they keep alive), for "where does the heap go" questions.
import { readFileSync } from 'node:fs';

/** HeapKind is one line of the summary. */
export interface HeapKind {
  kind: string;
  count: number;
  bytes: number;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** summarizeHeapSnapshot groups a .heapsnapshot's nodes by type and constructor name, largest first. */
export function summarizeHeapSnapshot(file: string, top = 15): HeapKind[] {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const groups = new Map<string, HeapKind>();
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + iType]!]!;
    const name = type === 'object' || type === 'closure' ? s.strings[s.nodes[i + iName]!]! : '';
    const kind = name === '' ? `(${type})` : `${name} (${type})`;
    const g = groups.get(kind) ?? { kind, count: 0, bytes: 0 };
    g.count++;
    g.bytes += s.nodes[i + iSize]!;
    groups.set(kind, g);
  }
  return [...groups.values()].sort((a, b) => b.bytes - a.bytes).slice(0, top);
}
