import type * as CanvasModule from '@napi-rs/canvas';
import type * as ChartModule from 'chart.js';
import type { ChartConfiguration } from 'chart.js';

/** GraphSeries is one line of a chart: a legend text and points sorted by time (ms). */
export interface GraphSeries {
  name: string;
  t: readonly number[];
  v: readonly number[];
}

/** GraphOptions size the image; every limit is a setting with a default legible on a phone. */
export interface GraphOptions {
  title: string;
  /** width and height in CSS pixels (default 640×360), drawn at `scale` (default 2: a 1280×720 PNG). */
  width?: number;
  height?: number;
  scale?: number;
  /** maxSeries draws at most this many lines (default 8); the title counts the rest. */
  maxSeries?: number;
  /** timeZone formats the time axis (default the process's zone, e.g. `Europe/Paris`). */
  timeZone?: string;
}

/** PALETTE is Okabe and Ito's colour-blind safe set, dark enough on the light card. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const INK = '#1f2328';
const GRID = 'rgba(31,35,40,0.12)';
const CARD = '#f6f8fa';

/** timeLabel formats a tick: hours and minutes, with the day when the range spans more than one. */
function timeLabel(t: number, spanMs: number, timeZone: string | undefined): string {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(spanMs > 86_400_000 ? { day: '2-digit', month: 'short' } : {}),
  });
  return f.format(t);
}

/** STEPS are the time-axis tick spacings, so ticks fall on round times (05:15, 05:30…). */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * 60_000);

/** niceStep picks the smallest round spacing giving at most 6 ticks over span. */
function niceStep(span: number): number {
  return STEPS.find((s) => span / s <= 6) ?? STEPS[STEPS.length - 1]!;
}

/** shortNumber prints an axis value compactly (1.2k, 3.4M, 0.05). */
function shortNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

let libraries: Promise<DrawingLibraries> | undefined;
type DrawingLibraries = typeof CanvasModule & typeof ChartModule;

/**
 * drawingLibraries loads Skia and Chart.js on the first chart, not at start: most appliances never draw
 * one, and they cost about 10 MB resident.
 */
function drawingLibraries(): Promise<DrawingLibraries> {
  libraries ??= Promise.all([import('@napi-rs/canvas'), import('chart.js')]).then(([canvas, chart]) => {
    chart.Chart.register(...chart.registerables);
    return { ...canvas, ...chart };
  });
  return libraries;
}

/**
 * renderGraph draws series as a PNG with Chart.js on @napi-rs/canvas, with no DOM: Chart.js picks its
 * basic platform outside a browser. The time axis is a linear axis over milliseconds with formatted tick
 * labels (no date adapter needed at runtime). A light neutral card with dark ink reads on Telegram's light
 * and dark themes alike; fonts and lines are sized for a phone screen.
 */
export async function renderGraph(series: readonly GraphSeries[], o: GraphOptions): Promise<Buffer> {
  const width = o.width ?? 640;
  const height = o.height ?? 360;
  const scale = o.scale ?? 2;
  const max = o.maxSeries ?? 8;
  const shown = series.slice(0, max);
  // Chart.js multiplies the canvas by devicePixelRatio itself.
  const { createCanvas, Chart } = await drawingLibraries();
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  let tmin = Infinity;
  let tmax = -Infinity;
  for (const s of shown)
    if (s.t.length > 0) {
      tmin = Math.min(tmin, s.t[0]!);
      tmax = Math.max(tmax, s.t[s.t.length - 1]!);
    }
  if (!Number.isFinite(tmin)) {
    const now = Date.now();
    [tmin, tmax] = [now - 3_600_000, now];
  }
  const span = Math.max(tmax - tmin, 1);
  const more = series.length - shown.length;
  const font = { family: 'DejaVu Sans, Liberation Sans, Arial, sans-serif', size: 14 };
  const config: ChartConfiguration<'line', { x: number; y: number }[]> = {
    type: 'line',
    data: {
      datasets: shown.map((s, i) => ({
        label: s.name.length > 60 ? `${s.name.slice(0, 59)}…` : s.name,
        data: Array.from(s.t, (t, k) => ({ x: t, y: s.v[k]! })),
        borderColor: PALETTE[i % PALETTE.length],
        backgroundColor: PALETTE[i % PALETTE.length],
        borderWidth: 2,
        pointRadius: 0,
        spanGaps: false,
      })),
    },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: scale,
      parsing: false,
      normalized: true,
      color: INK,
      font,
      layout: { padding: 8 },
      scales: {
        x: {
          type: 'linear',
          min: tmin,
          max: tmax,
          grid: { color: GRID },
          // Ticks on round times (multiples of the step), not on the data's first timestamp.
          afterBuildTicks: (axis) => {
            const step = niceStep(span);
            axis.ticks = [];
            for (let t = Math.ceil(tmin / step) * step; t <= tmax; t += step) axis.ticks.push({ value: t });
          },
          ticks: {
            color: INK,
            font,
            maxRotation: 0,
            callback: (v) => timeLabel(Number(v), span, o.timeZone),
          },
        },
        y: {
          grid: { color: GRID },
          ticks: { color: INK, font, maxTicksLimit: 6, callback: (v) => shortNumber(Number(v)) },
        },
      },
      plugins: {
        title: {
          display: true,
          text: more > 0 ? `${o.title} (+${more} more series)` : o.title,
          color: INK,
          font: { ...font, size: 16, weight: 'bold' },
        },
        legend: {
          display: shown.length > 0,
          position: 'bottom',
          labels: { color: INK, font: { ...font, size: 12 }, boxWidth: 14 },
        },
        tooltip: { enabled: false },
      },
    },
    plugins: [
      {
        id: 'card',
        beforeDraw: (chart) => {
          const c = chart.ctx;
          c.save();
          c.fillStyle = CARD;
          c.fillRect(0, 0, chart.width, chart.height);
          c.restore();
        },
      },
    ],
  };
  // Chart.js only needs a 2D context with a `canvas`; @napi-rs/canvas provides the same drawing API.
  const chart = new Chart(ctx as unknown as ConstructorParameters<typeof Chart>[0], config);
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}
