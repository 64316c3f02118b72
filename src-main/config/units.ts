// Prometheus's textual units: durations (model.Duration) and byte sizes (units.Base2Bytes).

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_UNITS_MS = [
  365 * 24 * 3600_000,
  7 * 24 * 3600_000,
  24 * 3600_000,
  3600_000,
  60_000,
  1000,
  1,
] as const;

/**
 * parseDuration reads a Prometheus duration (`1d2h30m`, `500ms`, `1w`, `1y`, `0`) into milliseconds, or
 * undefined when the text is not one. Units must come in decreasing order, each at most once, as Prometheus
 * requires; a bare number other than 0 is refused because its unit would be a guess.
 */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  const m = DURATION_RE.exec(text);
  if (m === null) return undefined;
  let ms = 0;
  for (let i = 0; i < DURATION_UNITS_MS.length; i++) {
    const part = m[i + 1];
    if (part !== undefined) ms += Number(part) * DURATION_UNITS_MS[i]!;
  }
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** formatDuration writes milliseconds the way Prometheus prints a duration (`1m30s`, `0s`, `2w`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.trunc(ms);
  let out = '';
  const part = (unit: string, mult: number, exact: boolean): void => {
    if (exact && rest % mult !== 0) return;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  };
  part('y', DURATION_UNITS_MS[0], false);
  part('w', DURATION_UNITS_MS[1], true);
  part('d', DURATION_UNITS_MS[2], false);
  part('h', DURATION_UNITS_MS[3], false);
  part('m', DURATION_UNITS_MS[4], false);
  part('s', DURATION_UNITS_MS[5], false);
  part('ms', 1, false);
  return out;
}

/**
 * SIZE_UNITS are the suffixes Prometheus's body_size_limit accepts (alecthomas/units Base2Bytes): both the
 * IEC spellings (KiB) and the old ones (KB) mean powers of 1024.
 */
const SIZE_UNITS: Readonly<Record<string, number>> = (() => {
  const out: Record<string, number> = { B: 1 };
  const prefixes = ['K', 'M', 'G', 'T', 'P', 'E'];
  prefixes.forEach((p, i) => {
    out[`${p}iB`] = 1024 ** (i + 1);
    out[`${p}B`] = 1024 ** (i + 1);
  });
  return out;
})();

const SIZE_PART_RE = /(\d+(?:\.\d*)?|\.\d+)([A-Za-z]+)/y;

/**
 * parseSize reads a byte size (`10MB`, `1GiB`, `1GB512MB`, `1.5KB`, `0`) into bytes, or undefined when the
 * text is not one. Like Go's units.ParseBase2Bytes, each number needs a unit and the parts add up.
 */
export function parseSize(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  let pos = 0;
  let total = 0;
  while (pos < text.length) {
    SIZE_PART_RE.lastIndex = pos;
    const m = SIZE_PART_RE.exec(text);
    if (m === null) return undefined;
    const mult = SIZE_UNITS[m[2]!];
    if (mult === undefined) return undefined;
    total += Number(m[1]) * mult;
    pos = SIZE_PART_RE.lastIndex;
  }
  return Math.floor(total);
}

/** formatSize writes bytes with the largest 1024-based unit that divides them exactly (`10MB`, `0B`). */
export function formatSize(bytes: number): string {
  const units = ['EB', 'PB', 'TB', 'GB', 'MB', 'KB'];
  for (let i = 0; i < units.length; i++) {
    const mult = 1024 ** (units.length - i);
    if (bytes > 0 && bytes % mult === 0) return `${bytes / mult}${units[i]}`;
  }
  return `${bytes}B`;
}
