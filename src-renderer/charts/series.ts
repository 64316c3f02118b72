// series.ts: turns Prometheus matrix answers into chart datasets with readable legends.
import type { MatrixItem } from '../api/client';

/** Point is one chart point: x in ms, y the value (null draws a gap). */
export interface Point {
  x: number;
  y: number | null;
}

/** ChartSeries is one line of a chart. */
export interface ChartSeries {
  name: string;
  points: Point[];
  /** key identifies the series for live updates (see live.ts). */
  key?: string;
}

/**
 * legendOf names a series by a template (`{{device}}`, like Grafana's legend format) or, without one, by
 * its labels other than __name__.
 */
export function legendOf(metric: Record<string, string>, template?: string): string {
  if (template !== undefined)
    return template.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, k: string) => metric[k] ?? '');
  const parts = Object.entries(metric)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}="${v}"`);
  const name = metric.__name__ ?? '';
  return parts.length === 0 ? name || '{}' : `${name}{${parts.join(', ')}}`;
}

/**
 * toSeries converts a matrix to chart series. Gaps longer than `gapSeconds` (missed scrapes, a restart)
 * get a null point so the line breaks instead of drawing a straight bridge over missing data.
 */
export function toSeries(matrix: MatrixItem[], legend?: string, gapSeconds?: number): ChartSeries[] {
  return matrix.map((m) => {
    const points: Point[] = [];
    let prev: number | undefined;
    for (const [t, v] of m.values) {
      if (gapSeconds !== undefined && prev !== undefined && t - prev > gapSeconds)
        points.push({ x: (prev + gapSeconds / 2) * 1000, y: null });
      points.push({ x: t * 1000, y: Number(v) });
      prev = t;
    }
    return { name: legendOf(m.metric, legend), points };
  });
}
