// units.ts: how numbers read on screen. One place for units so a panel, a tile and a kiosk show a value
// the same way.

/** Unit names a value's kind; panels carry one so their axes and legends read naturally. */
export type Unit = 'percent' | 'bytes' | 'bytes/s' | 'seconds' | 'celsius' | 'ops/s' | 'none';

const BYTE_STEPS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

function trim(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(Math.max(0, digits - 2));
  return n.toFixed(Math.max(0, digits - 1));
}

/** formatBytes prints a byte count in binary units (1.5 GiB). */
export function formatBytes(n: number): string {
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1024 && i < BYTE_STEPS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${trim(v)} ${BYTE_STEPS[i]}`;
}

/** formatDuration prints seconds as the two largest units (3d 4h, 5m 10s). */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '∞';
  const units: [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  if (Math.abs(s) < 1) return `${trim(s * 1000)} ms`;
  const parts: string[] = [];
  let rest = Math.floor(Math.abs(s));
  for (const [name, size] of units) {
    if (rest >= size || parts.length > 0) {
      parts.push(`${Math.floor(rest / size)}${name}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return (s < 0 ? '-' : '') + parts.join(' ');
}

/** formatValue prints a value in its unit; NaN and missing values print as a dash. */
export function formatValue(v: number | undefined, unit: Unit): string {
  if (v === undefined || Number.isNaN(v)) return '–';
  switch (unit) {
    case 'percent':
      return `${trim(v)} %`;
    case 'bytes':
      return formatBytes(v);
    case 'bytes/s':
      return `${formatBytes(v)}/s`;
    case 'seconds':
      return formatDuration(v);
    case 'celsius':
      return `${trim(v)} °C`;
    case 'ops/s':
      return `${trim(v)}/s`;
    default:
      // toPrecision then Number drops trailing zeros: 4, 0.5, 1.25 — not 4.000.
      return Math.abs(v) >= 1e6 || (Math.abs(v) < 1e-3 && v !== 0)
        ? v.toExponential(2)
        : String(Number(v.toPrecision(4)));
  }
}

/** formatAgo prints how long ago a time (ms) was, for "last seen". */
export function formatAgo(ms: number, now = Date.now()): string {
  const s = Math.max(0, (now - ms) / 1000);
  if (s < 2) return 'just now';
  return `${formatDuration(Math.round(s))} ago`;
}
