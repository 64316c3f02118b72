// live.ts: follows panels' queries through the appliance's server-sent event stream (/api/vigie/live), so
// charts gain new points without re-fetching their whole range. One stream serves every panel of the page
// (a browser allows only six connections per host), reopened when the set of queries changes; EventSource
// reconnects by itself after a restart or a network drop.
import { queryBatcher } from '../api/batch';
import type { VectorItem } from '../api/client';

/** LiveSample is one evaluation of a subscriber's queries: the time (s) and each query's vector or null. */
export interface LiveSample {
  t: number;
  results: ({ resultType: string; result: VectorItem[] } | null)[];
}

interface Subscriber {
  exprs: string[];
  interval: number;
  onSample: (s: LiveSample) => void;
}

const subscribers = new Set<Subscriber>();
let source: EventSource | undefined;
let reopen: ReturnType<typeof setTimeout> | undefined;

/**
 * restart reopens the shared stream for the current subscribers. It is debounced (panels mount together)
 * and waits until the page's range queries are in: a stream evaluates all its queries as it opens, which
 * would only slow down the ranges the panels still wait for.
 */
function restart(): void {
  clearTimeout(reopen);
  reopen = setTimeout(() => {
    if (queryBatcher.busy) {
      restart();
      return;
    }
    source?.close();
    source = undefined;
    if (subscribers.size === 0) return;
    const all = [...new Set([...subscribers].flatMap((s) => s.exprs))];
    const interval = Math.min(...[...subscribers].map((s) => s.interval));
    const params = new URLSearchParams();
    for (const e of all) params.append('query', e);
    params.set('interval', `${interval}s`);
    const token = sessionStorage.getItem('vigie.token');
    if (token !== null) params.set('token', token); // EventSource cannot send headers
    const index = new Map(all.map((e, i) => [e, i]));
    source = new EventSource(`/api/vigie/live?${params}`);
    source.addEventListener('sample', (ev) => {
      const s = JSON.parse((ev as MessageEvent<string>).data) as LiveSample;
      for (const sub of subscribers)
        sub.onSample({ t: s.t, results: sub.exprs.map((e) => s.results[index.get(e) ?? -1] ?? null) });
    });
  }, 500);
}

/** openLive subscribes a panel's expressions to the shared stream; the returned function unsubscribes. */
export function openLive(
  exprs: string[],
  intervalSeconds: number,
  onSample: (s: LiveSample) => void,
): () => void {
  const sub = { exprs, interval: intervalSeconds, onSample };
  subscribers.add(sub);
  restart();
  return () => {
    subscribers.delete(sub);
    restart();
  };
}

/** seriesKey identifies a series across a range answer and live samples. */
export function seriesKey(query: number, metric: Record<string, string>): string {
  return `${query}\u0000${Object.keys(metric)
    .sort()
    .map((k) => `${k}=${metric[k]}`)
    .join('\u0000')}`;
}
