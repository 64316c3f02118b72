// cpuprofile-summary.ts: where a V8 .cpuprofile spent its time: self time per function and per source file,
// largest first, as a share of the busy (non-idle) samples. For "where does the CPU go" questions.
import { readFileSync } from 'node:fs';

/** ProfileLine is one row of the summary: a function or a file and its self time. */
export interface ProfileLine {
  what: string;
  ms: number;
  /** share of the busy samples, 0..1. */
  share: number;
}

/** ProfileSummary is a profile cut two ways, plus its totals. */
export interface ProfileSummary {
  wallMs: number;
  busyMs: number;
  byFunction: ProfileLine[];
  byFile: ProfileLine[];
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** shortUrl keeps the telling tail of a script URL: the path inside the repo or node_modules. */
function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const src = url.search(/\/(src-main|bench|test|agent)\//);
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

/** summarizeCpuProfile reads a .cpuprofile and counts its samples per function and per file. */
export function summarizeCpuProfile(file: string, top = 30): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodeById = new Map(p.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  let busy = 0;
  // Each sample counts as one sampling interval (the median gap): on a loaded machine the gaps also hold
  // the time the thread waited for a CPU, which would inflate whatever ran just before.
  const gaps = [...p.timeDeltas].sort((a, b) => a - b);
  const dt = (gaps[Math.floor(gaps.length / 2)] ?? 0) / 1000;
  for (let i = 0; i < p.samples.length; i++) {
    const node = nodeById.get(p.samples[i]!)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += dt;
    const where = url === '' ? '' : ` ${shortUrl(url)}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${where}`;
    fn.set(key, (fn.get(key) ?? 0) + dt);
    const f = url === '' ? `(${functionName})` : shortUrl(url);
    files.set(f, (files.get(f) ?? 0) + dt);
  }
  const lines = (m: Map<string, number>): ProfileLine[] =>
    [...m]
      .map(([what, ms]) => ({ what, ms, share: busy > 0 ? ms / busy : 0 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
  return {
    wallMs: (p.endTime - p.startTime) / 1000,
    busyMs: busy,
    byFunction: lines(fn),
    byFile: lines(files),
  };
}

/** formatSummary renders a summary as text columns. */
export function formatSummary(s: ProfileSummary): string {
  const row = (l: ProfileLine) =>
    `${l.ms.toFixed(0).padStart(8)} ms ${(l.share * 100).toFixed(1).padStart(5)} %  ${l.what}`;
  return [
    `profile: ${(s.wallMs / 1000).toFixed(1)} s wall, main thread busy ${(s.busyMs / 1000).toFixed(2)} s`,
    'self time by function:',
    ...s.byFunction.map(row),
    'self time by file:',
    ...s.byFile.map(row),
  ].join('\n');
}

// As a script: summarise the .cpuprofile given as argument.
if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: cpuprofile-summary.ts FILE.cpuprofile [top]');
  console.log(formatSummary(summarizeCpuProfile(file, Number(process.argv[3] ?? 30))));
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/**
 * summarizeHeapProfile reads a sampling heap profile (.heapprofile) and sums the sampled bytes per
 * allocating function (with its caller, the telling frame for builtins) and per file, largest first.
 */
export function summarizeHeapProfile(file: string, top = 30): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  const name = (n: HeapNode): string => {
    const { functionName, url, lineNumber } = n.callFrame;
    return `${functionName || '(anonymous)'}${url === '' ? '' : ` ${shortUrl(url)}:${lineNumber + 1}`}`;
  };
  const walk = (n: HeapNode, parent: HeapNode | undefined): void => {
    if (n.selfSize > 0) {
      total += n.selfSize;
      const key = parent === undefined ? name(n) : `${name(n)} < ${name(parent)}`;
      fn.set(key, (fn.get(key) ?? 0) + n.selfSize);
      const f = n.callFrame.url === '' ? `(${n.callFrame.functionName})` : shortUrl(n.callFrame.url);
      files.set(f, (files.get(f) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, n);
  };
  walk(p.head, undefined);
  // Bytes are reported in the "ms" field, in KB.
  const lines = (m: Map<string, number>): ProfileLine[] =>
    [...m]
      .map(([what, bytes]) => ({ what, ms: bytes / 1024, share: total > 0 ? bytes / total : 0 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
  return { wallMs: 0, busyMs: total / 1024, byFunction: lines(fn), byFile: lines(files) };
}
