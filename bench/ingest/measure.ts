// measure.ts: the measurement window: CPU, memory and ingested samples of each contender over the same span.
import { treeCpuSeconds, treeRssBytes } from './procfs';

/** Contender is one process under measurement and how to read how many samples it has ingested so far. */
export interface Contender {
  name: string;
  pid: number;
  samples: () => Promise<number>;
}

/** WindowFigures are one contender's figures over the window (CPU and RSS include its child processes). */
export interface WindowFigures {
  seconds: number;
  samples: number;
  cpuSeconds: number;
  rssMaxBytes: number;
  rssEndBytes: number;
}

interface Start {
  cpu: number;
  samples: number;
}

/**
 * measureWindow reads every contender's CPU time and sample count, then samples RSS once a second for
 * `seconds`, then reads CPU and samples again. A contender whose counter cannot be read gets an Error
 * instead of figures; the others are unaffected. `stopEarly` ends the wait (interrupt, a child died).
 */
export async function measureWindow(
  contenders: Contender[],
  seconds: number,
  stopEarly: () => string | undefined,
): Promise<Map<string, WindowFigures | Error>> {
  const result = new Map<string, WindowFigures | Error>();
  const starts = new Map<string, Start>();
  const rssMax = new Map<string, number>();
  for (const c of contenders) {
    try {
      starts.set(c.name, { cpu: treeCpuSeconds(c.pid), samples: await c.samples() });
      rssMax.set(c.name, treeRssBytes(c.pid));
    } catch (err) {
      result.set(c.name, err instanceof Error ? err : new Error(String(err)));
    }
  }
  const t0 = Date.now();
  const end = t0 + seconds * 1000;
  while (Date.now() < end) {
    const reason = stopEarly();
    if (reason) throw new Error(`measurement stopped: ${reason}`);
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, end - Date.now()))));
    for (const c of contenders) {
      if (starts.has(c.name)) rssMax.set(c.name, Math.max(rssMax.get(c.name) ?? 0, treeRssBytes(c.pid)));
    }
  }
  const elapsed = (Date.now() - t0) / 1000;
  for (const c of contenders) {
    const start = starts.get(c.name);
    if (!start) continue;
    try {
      const cpu = treeCpuSeconds(c.pid);
      const samples = await c.samples();
      const rssEnd = treeRssBytes(c.pid);
      result.set(c.name, {
        seconds: elapsed,
        samples: samples - start.samples,
        cpuSeconds: cpu - start.cpu,
        rssMaxBytes: Math.max(rssMax.get(c.name) ?? 0, rssEnd),
        rssEndBytes: rssEnd,
      });
    } catch (err) {
      result.set(c.name, err instanceof Error ? err : new Error(String(err)));
    }
  }
  return result;
}
