import type { Matcher } from '../common/matcher';
import { matchesAll } from '../common/matcher';
import type { RouteConfig } from '../config/api';
import { parseMatchers } from './matchers';

/** RouteOpts are a route's effective settings after inheritance from its parents. */
export interface RouteOpts {
  receiver: string;
  /** groupBy undefined with groupByAll false means "group by nothing" (one group per route). */
  groupBy: string[];
  groupByAll: boolean;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

/**
 * Route is one compiled node of Alertmanager's routing tree. An alert descends into the first child that
 * matches (and on into later siblings while the matched child has `continue: true`); a node with no
 * matching child takes the alert itself.
 */
export class Route {
  readonly matchers: Matcher[];
  readonly opts: RouteOpts;
  readonly routes: Route[];
  readonly continue: boolean;
  /** key identifies the route in group keys, as Alertmanager's `{}/{severity="critical"}/0` path. */
  readonly key: string;

  constructor(cfg: RouteConfig, parent?: Route, index = 0) {
    this.matchers = parseMatchers(cfg.matchers);
    const p = parent?.opts;
    const groupBy = cfg.group_by ?? (p ? (p.groupByAll ? ['...'] : p.groupBy) : []);
    this.opts = {
      receiver: cfg.receiver ?? p?.receiver ?? '',
      groupBy: groupBy.filter((g) => g !== '...'),
      groupByAll: groupBy.includes('...'),
      groupWaitMs: cfg.group_wait ?? p?.groupWaitMs ?? 30_000,
      groupIntervalMs: cfg.group_interval ?? p?.groupIntervalMs ?? 300_000,
      repeatIntervalMs: cfg.repeat_interval ?? p?.repeatIntervalMs ?? 4 * 3_600_000,
    };
    this.continue = cfg.continue;
    const own = `{${cfg.matchers.join(',')}}`;
    this.key = parent === undefined ? own : `${parent.key}/${own}/${index}`;
    this.routes = cfg.routes.map((c, i) => new Route(c, this, i));
  }

  /** match returns the routes that take an alert with these labels (Alertmanager's Route.Match). */
  match(labels: Readonly<Record<string, string>>): Route[] {
    if (!matchesAll(this.matchers, labels)) return [];
    const all: Route[] = [];
    for (const child of this.routes) {
      const m = child.match(labels);
      all.push(...m);
      if (m.length > 0 && !child.continue) break;
    }
    return all.length === 0 ? [this] : all;
  }

  /** groupLabels picks the labels an alert is grouped by on this route. */
  groupLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
    if (this.opts.groupByAll) return { ...labels };
    const out: Record<string, string> = {};
    for (const n of this.opts.groupBy) if (labels[n] !== undefined && labels[n] !== '') out[n] = labels[n]!;
    return out;
  }
}
