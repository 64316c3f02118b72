// setup.ts: registers only the Chart.js parts Vigie draws (tree-shaken), the date adapter for time axes,
// and decimation so a 24 h range of 10 s samples draws as fast as a 1 h one.
import {
  Chart,
  Decimation,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  TimeScale,
  Tooltip,
} from 'chart.js';
import 'chartjs-adapter-date-fns';

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  TimeScale,
  Tooltip,
  Legend,
  Filler,
  Decimation,
);

/** PALETTE is the series colour cycle: distinguishable in both themes and for common colour blindness. */
export const PALETTE = [
  '#2f7df6',
  '#f59e0b',
  '#10b981',
  '#ef4444',
  '#8b5cf6',
  '#06b6d4',
  '#ec4899',
  '#84cc16',
  '#f97316',
  '#64748b',
];

const themeColours = new Map<string, string>();

/**
 * cssVar reads a theme colour from the document, so charts follow the light/dark theme. Colours are kept
 * per theme: reading computed style forces the browser to restyle the page first, and a dashboard creating
 * 20 charts in a row would otherwise pay that 40 times.
 */
export function cssVar(name: string): string {
  const key = `${document.documentElement.dataset.theme ?? ''}|${name}`;
  let v = themeColours.get(key);
  if (v === undefined) {
    v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    // An empty answer (styles not applied yet) is not kept, so the next chart asks again.
    if (v !== '') themeColours.set(key, v);
  }
  return v;
}

export { Chart };
