import type { ImportProgress } from './api';

const MB = 1e6;

/** rate is per-second throughput of an amount over elapsed milliseconds (0 before any time passed). */
function rate(amount: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (amount * 1000) / elapsedMs : 0;
}

/** count prints a count with thousands separators, so 12 345 678 reads at a glance. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * formatProgress is the one-line progress report of a running import: samples, series, how far through the
 * file it is, and the read speed in MB/s.
 */
export function formatProgress(p: ImportProgress): string {
  const pct = p.totalBytes > 0 ? ` (${((100 * p.bytesRead) / p.totalBytes).toFixed(1)} %)` : '';
  return (
    `imported ${count(p.samples)} samples, ${count(p.series)} series, ` +
    `${(p.bytesRead / MB).toFixed(1)} of ${(p.totalBytes / MB).toFixed(1)} MB${pct}, ` +
    `${rate(p.bytesRead / MB, p.elapsedMs).toFixed(1)} MB/s`
  );
}

/** formatSummary is the closing line of a finished import, with the whole run's throughput. */
export function formatSummary(file: string, p: ImportProgress): string {
  const s = p.elapsedMs / 1000;
  return (
    `imported ${count(p.samples)} samples of ${count(p.series)} series (${count(p.lines)} lines, ` +
    `${(p.bytesRead / MB).toFixed(1)} MB) from ${file} in ${s.toFixed(1)} s: ` +
    `${rate(p.bytesRead / MB, p.elapsedMs).toFixed(1)} MB/s, ${count(Math.round(rate(p.samples, p.elapsedMs)))} samples/s`
  );
}
