/** Series is one parsed line of a text-format scrape. */
export interface Series {
  name: string;
  labels: Record<string, string>;
  key: string;
  value: number;
}

/** Scrape is a parsed text 0.0.4 body: series by name, and each family's TYPE. */
export interface Scrape {
  byName: Map<string, Map<string, Series>>;
  types: Map<string, string>;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;

/**
 * parseText is a small reader of the text format for the parity test: enough for node_exporter's and the
 * agent's output (no timestamps, no exemplars). It throws on a line it cannot read, naming it.
 */
export function parseText(body: string): Scrape {
  const byName = new Map<string, Map<string, Series>>();
  const types = new Map<string, string>();
  body.split('\n').forEach((line, i) => {
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (m !== null) types.set(m[1]!, m[2]!);
      return;
    }
    const m = LINE.exec(line);
    if (m === null) throw new Error(`line ${i + 1}: cannot parse ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    if (m[2] !== undefined && m[2] !== '') {
      LABEL.lastIndex = 0;
      let l: RegExpExecArray | null;
      let end = 0;
      while ((l = LABEL.exec(m[2])) !== null) {
        labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
        end = LABEL.lastIndex;
      }
      if (end !== m[2].length) throw new Error(`line ${i + 1}: bad labels in ${JSON.stringify(line)}`);
    }
    const key = JSON.stringify(Object.entries(labels).sort());
    let series = byName.get(m[1]!);
    if (series === undefined) byName.set(m[1]!, (series = new Map()));
    series.set(key, { name: m[1]!, labels, key, value: Number(m[3]!.replace('+Inf', 'Infinity')) });
  });
  return { byName, types };
}
