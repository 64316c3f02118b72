// procfs.ts: CPU time and resident memory of a process and all its descendants, read from /proc (Linux only).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** clockTicks is the kernel's USER_HZ, the unit of the CPU times in /proc/PID/stat. */
export const clockTicks = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(out.stdout?.trim());
  return Number.isInteger(n) && n > 0 ? n : 100;
})();

/** ProcStat is what the benchmark needs from /proc/PID/stat. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** ticks is utime + stime + cutime + cstime: the process's own CPU plus that of its reaped children. */
  ticks: number;
}

/** readStat parses /proc/PID/stat (the command name may hold spaces and parentheses); undefined if gone. */
export function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 of proc(5) (state): ppid is field 4, utime..cstime are fields 14..17.
  const num = (field: number) => Number(fields[field - 3]);
  return { pid, ppid: num(4), ticks: num(14) + num(15) + num(16) + num(17) };
}

/** processTree lists `root` and every live descendant of it. */
export function processTree(root: number): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  let rootStat: ProcStat | undefined;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    if (stat.pid === root) rootStat = stat;
    const list = children.get(stat.ppid) ?? [];
    list.push(stat);
    children.set(stat.ppid, list);
  }
  if (!rootStat) return [];
  const out: ProcStat[] = [];
  const queue = [rootStat];
  while (queue.length > 0) {
    const s = queue.pop() as ProcStat;
    out.push(s);
    queue.push(...(children.get(s.pid) ?? []));
  }
  return out;
}

/**
 * treeCpuSeconds is the CPU time used so far by `root` and its descendants. Summing each live process's
 * own and reaped-children times counts every CPU second once: a reaped child's time sits in its parent.
 */
export function treeCpuSeconds(root: number): number {
  let ticks = 0;
  for (const s of processTree(root)) ticks += s.ticks;
  return ticks / clockTicks;
}

/** readRssBytes reads VmRSS from /proc/PID/status; 0 if the process is gone. */
export function readRssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** treeRssBytes sums VmRSS over the tree (pages shared between the processes are counted in each). */
export function treeRssBytes(root: number): number {
  let bytes = 0;
  for (const s of processTree(root)) bytes += readRssBytes(s.pid);
  return bytes;
}

/**
 * threadCpuSeconds maps each thread of a process to its CPU seconds so far, keyed `name#tid` (name from
 * /proc/PID/task/TID/comm; the main thread is `main`).
 */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const name =
        tid === String(pid)
          ? 'main'
          : `${readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()}#${tid}`;
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(f[14 - 3]) + Number(f[15 - 3]);
      out.set(name, (out.get(name) ?? 0) + ticks / clockTicks);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}
