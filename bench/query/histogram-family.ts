// histogram-family.ts: adds a request-latency histogram to an OpenMetrics history file, since the node-like
// fleet model has none and a dashboard's histogram_quantile panels need one.
import { openSync, closeSync, ftruncateSync, fstatSync, readSync, writeSync } from 'node:fs';

/** BUCKETS are the histogram's upper bounds, written canonically (`1.0`) so every parser agrees on `le`. */
const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1.0', '2.5', '5.0', '10.0', '+Inf'];
const HANDLERS = ['/api', '/static', '/login', '/search'];

/** HistogramOptions are the fleet and time range of the history the family joins. */
export interface HistogramOptions {
  hosts: number;
  start: number;
  end: number;
  stepMs: number;
}

/** mulberry32 is a small seeded PRNG: the same options always write the same file. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * appendHistogramFamily replaces the file's closing `# EOF` with an `http_request_duration_seconds`
 * histogram (hosts × 4 handlers × (12 buckets + count + sum) series, one sample per step) and a new `# EOF`.
 * Returns the number of series and samples added.
 */
export function appendHistogramFamily(
  file: string,
  o: HistogramOptions,
): { series: number; samples: number } {
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(6);
    readSync(fd, tail, 0, 6, size - 6);
    if (tail.toString() !== '# EOF\n') throw new Error(`${file}: does not end with "# EOF"`);
    ftruncateSync(fd, size - 6);
    let pos = size - 6;
    const write = (s: string): void => {
      pos += writeSync(fd, s, pos);
    };
    const steps = Math.floor((o.end - o.start) / o.stepMs) + 1;
    const stamps = Array.from({ length: steps }, (_, i) => String((o.start + i * o.stepMs) / 1000));
    write('# TYPE http_request_duration_seconds histogram\n');
    write('# HELP http_request_duration_seconds Request latency.\n');
    let series = 0;
    const bounds = BUCKETS.map((le) => (le === '+Inf' ? Infinity : Number(le)));
    for (let h = 0; h < o.hosts; h++) {
      for (const [hi, handler] of HANDLERS.entries()) {
        const rnd = mulberry32(h * 1000 + hi + 1);
        // Cumulative counters per bucket over time, plus the sum of observations.
        const cum = BUCKETS.map(() => new Float64Array(steps));
        const sum = new Float64Array(steps);
        const counts = new Float64Array(BUCKETS.length);
        let total = 0;
        const scale = 0.02 * (hi + 1);
        for (let i = 0; i < steps; i++) {
          const n = 5 + Math.floor(rnd() * 10);
          for (let k = 0; k < n; k++) {
            const latency = -Math.log(1 - rnd()) * scale;
            total += latency;
            for (let b = 0; b < bounds.length; b++) if (latency <= bounds[b]!) counts[b]!++;
          }
          for (let b = 0; b < bounds.length; b++) cum[b]![i] = counts[b]!;
          sum[i] = Math.round(total * 1e6) / 1e6;
        }
        const labels = `handler="${handler}",instance="app-${h}:8080",job="app"`;
        const emit = (name: string, extra: string, values: Float64Array): void => {
          series++;
          const prefix = `http_request_duration_seconds${name}{${extra}${labels}} `;
          let chunk = '';
          for (let i = 0; i < steps; i++) {
            chunk += `${prefix}${values[i]} ${stamps[i]}\n`;
            if (chunk.length > 1 << 20) {
              write(chunk);
              chunk = '';
            }
          }
          write(chunk);
        };
        BUCKETS.forEach((le, b) => emit('_bucket', `le="${le}",`, cum[b]!));
        emit('_count', '', cum[BUCKETS.length - 1]!);
        emit('_sum', '', sum);
      }
    }
    write('# EOF\n');
    return { series, samples: series * steps };
  } finally {
    closeSync(fd);
  }
}
