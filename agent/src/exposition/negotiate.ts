/** Format is one of the two exposition formats the agent writes. */
export type Format = 'text' | 'openmetrics';

interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
  index: number;
}

/** parseAccept splits an Accept header into media ranges with their parameters and quality. */
function parseAccept(accept: string): MediaRange[] {
  const out: MediaRange[] = [];
  let index = 0;
  for (const part of accept.split(',')) {
    const [type, ...rest] = part.split(';');
    const t = (type ?? '').trim().toLowerCase();
    if (t === '') continue;
    const params = new Map<string, string>();
    let q = 1;
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      const v = p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      if (k === 'q') {
        const n = Number(v);
        q = Number.isFinite(n) ? n : 0;
      } else params.set(k, v);
    }
    out.push({ type: t, params, q, index: index++ });
  }
  return out;
}

/**
 * negotiateFormat picks the exposition format from a scraper's Accept header the way client_golang's
 * expfmt.Negotiate does: the best-quality range that names OpenMetrics (version 1.0.0, 0.0.1 or none) or
 * the text format (version 0.0.4 or none) wins; anything else, or no header, gets the text format.
 */
export function negotiateFormat(accept: string | undefined): Format {
  if (accept === undefined || accept === '') return 'text';
  const ranges = parseAccept(accept)
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const r of ranges) {
    const version = r.params.get('version');
    if (r.type === 'application/openmetrics-text') {
      if (version === undefined || version === '1.0.0' || version === '0.0.1') return 'openmetrics';
    } else if (r.type === 'text/plain') {
      if (version === undefined || version === '0.0.4') return 'text';
    }
  }
  return 'text';
}

/** acceptsGzip tells whether an Accept-Encoding header allows gzip (a `q=0` refuses it). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (acceptEncoding === undefined) return false;
  for (const r of parseAccept(acceptEncoding))
    if ((r.type === 'gzip' || r.type === 'x-gzip') && r.q > 0) return true;
  return false;
}
