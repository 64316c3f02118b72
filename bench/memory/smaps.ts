// smaps.ts: a process's memory split from /proc/PID/smaps_rollup (Linux 4.14+).
import { readFileSync } from 'node:fs';

/** SmapsRollup is the resident memory of a process: all of it, the anonymous part and the file-backed rest. */
export interface SmapsRollup {
  rss: number;
  anonymous: number;
  fileBacked: number;
  swap: number;
}

/** parseSmapsRollup reads the kB fields of smaps_rollup's text into bytes. */
export function parseSmapsRollup(text: string): SmapsRollup {
  const kb = (name: string): number => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    if (!m) throw new Error(`smaps_rollup: no ${name} field`);
    return Number(m[1]) * 1024;
  };
  const rss = kb('Rss');
  const anonymous = kb('Anonymous');
  return { rss, anonymous, fileBacked: rss - anonymous, swap: kb('Swap') };
}

/** readSmapsRollup reads a live process's rollup. */
export function readSmapsRollup(pid: number): SmapsRollup {
  return parseSmapsRollup(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
}

/** fileRssByPath sums the resident bytes of each mapped file of a process (/proc/PID/smaps), largest first. */
export function fileRssByPath(pid: number, top = 6): { path: string; rss: number }[] {
  const byPath = new Map<string, number>();
  let path: string | undefined;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) path = head[1]!.startsWith('/') ? head[1] : undefined;
    else if (path !== undefined && line.startsWith('Rss:'))
      byPath.set(path, (byPath.get(path) ?? 0) + Number(/(\d+) kB/.exec(line)![1]) * 1024);
  }
  return [...byPath]
    .map(([p, rss]) => ({ path: p, rss }))
    .sort((a, b) => b.rss - a.rss)
    .slice(0, top);
}
