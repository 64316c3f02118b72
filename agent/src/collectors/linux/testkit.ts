import { fileURLToPath } from 'node:url';
import { MetricSet, type MetricFamily } from '../../metrics';
import type { Collector } from '../collector';
import { linuxPaths, type LinuxPaths } from './paths';

/** FIXTURE_ROOT is the fixture tree the collector unit tests read (a trimmed copy of a real host's files). */
export const FIXTURE_ROOT = fileURLToPath(new URL('testdata/basic', import.meta.url));

/** fixturePaths are the LinuxPaths of the fixture tree. */
export const fixturePaths: LinuxPaths = linuxPaths(FIXTURE_ROOT);

/** collectOnce runs one collector into a fresh set, as a scrape would. */
export async function collectOnce(c: Collector): Promise<MetricSet> {
  const out = new MetricSet();
  await c.collect(out);
  return out;
}

/** family fetches one family by name, failing loudly when the collector did not emit it. */
export function family(set: MetricSet, name: string): MetricFamily {
  const f = set.families.get(name);
  if (f === undefined) throw new Error(`no family ${name}; have ${[...set.families.keys()].join(', ')}`);
  return f;
}

/** valueOf finds the value of the one series of a family whose labels equal the given ones exactly. */
export function valueOf(
  set: MetricSet,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const want = JSON.stringify(Object.entries(labels).sort());
  return family(set, name).samples.find((s) => JSON.stringify(Object.entries(s.labels).sort()) === want)
    ?.value;
}
