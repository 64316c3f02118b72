import { labelsKey } from '../common/labels';
import { matchesAll, type Matcher } from '../common/matcher';
import type { AlertingConfig } from '../config/api';
import type { PostableAlert, RoutedAlert, Router, Silence } from './api';
import type { StateSlot } from './document-slot';
import { fingerprint, groupId } from './fingerprint';
import { parseMatchers } from './matchers';
import type { Outbox } from './outbox';
import { common, isResolved, type Notification, type StoredAlert } from './payload';
import { Route } from './route';
import { randomUUID } from 'node:crypto';

/** NotifyState is what the router keeps across restarts: the notification log, silences and acks. */
interface NotifyState {
  version: 1;
  /** nflog: per `groupKey|channel`, what was last notified (Alertmanager's notification log). */
  nflog: Record<string, { firing: string[]; resolved: string[]; at: number }>;
  silences: Silence[];
  acks: string[];
}

/** RouterOptions wire the router to its durable parts. */
export interface RouterOptions {
  config: AlertingConfig;
  /** outbox takes the notifications; only enqueue is used, so the service can split messages on the way. */
  outbox: Pick<Outbox, 'enqueue'>;
  state: StateSlot<NotifyState>;
  externalURL?: string;
  now?: () => number;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

interface Group {
  key: string;
  route: Route;
  labels: Record<string, string>;
  alerts: Map<string, StoredAlert>;
  timer?: NodeJS.Timeout;
  flushed: boolean;
}

interface Inhibitor {
  source: Matcher[];
  target: Matcher[];
  equal: string[];
}

/**
 * createRouter builds Alertmanager's dispatcher: alerts are routed down the route tree, grouped by the
 * route's group_by, and each group is flushed after group_wait, then every group_interval. A flush sends
 * (through the durable outbox) only when something changed since the last notification of that group and
 * channel — new firing alerts, new resolutions — or when repeat_interval passed; silenced and inhibited
 * alerts are left out, and acked alerts do not repeat. The notification log, silences and acks are saved
 * in the database (a StateSlot), so a restart neither re-sends nor forgets.
 */
export async function createRouter(o: RouterOptions): Promise<ReloadableRouter> {
  const now = o.now ?? Date.now;
  let root = new Route(o.config.route);
  let receivers = new Map(o.config.receivers.map((r) => [r.name, r]));
  const compileInhibitors = (c: AlertingConfig): Inhibitor[] =>
    c.inhibit_rules.map((r) => ({
      source: parseMatchers(r.source_matchers),
      target: parseMatchers(r.target_matchers),
      equal: r.equal,
    }));
  let inhibitors = compileInhibitors(o.config);
  const saved = await o.state.load();
  const state: NotifyState = saved?.version === 1 ? saved : { version: 1, nflog: {}, silences: [], acks: [] };
  const acks = new Set(state.acks);
  const alerts = new Map<string, StoredAlert>();
  const groups = new Map<string, Group>();
  const flushing = new Set<Promise<void>>();
  let stopped = false;
  const save = (): Promise<void> =>
    o.state
      .save({ ...state, acks: [...acks] })
      .catch((e: unknown) => o.log('error', `notify: saving state: ${String(e)}`));

  const silencedBy = (a: StoredAlert, t: number): string[] =>
    state.silences
      .filter((s) => s.startsAt <= t && s.endsAt > t && matchesAll(parseMatchers(s.matchers), a.labels))
      .map((s) => s.id);

  const inhibitedBy = (a: StoredAlert, t: number): string[] => {
    const out: string[] = [];
    for (const r of inhibitors) {
      if (!matchesAll(r.target, a.labels)) continue;
      for (const s of alerts.values()) {
        if (s.fingerprint === a.fingerprint || isResolved(s, t) || !matchesAll(r.source, s.labels)) continue;
        if (r.equal.every((n) => (s.labels[n] ?? '') === (a.labels[n] ?? ''))) out.push(s.fingerprint);
      }
    }
    return out;
  };

  // A group replaced by reload() may still be flushing: it must neither re-arm nor touch its successor.
  const current = (g: Group): boolean => groups.get(g.key) === g;

  const schedule = (g: Group, delay: number): void => {
    clearTimeout(g.timer);
    if (stopped || !current(g)) return;
    g.timer = setTimeout(() => {
      const p = flush(g)
        .catch((e: unknown) => o.log('error', `notify: flushing ${g.key}: ${String(e)}`))
        .finally(() => flushing.delete(p));
      flushing.add(p);
    }, delay);
  };

  const flush = async (g: Group): Promise<void> => {
    const t = now();
    const visible = [...g.alerts.values()]
      .map((a) => alerts.get(a.fingerprint) ?? a)
      .filter((a) => silencedBy(a, t).length === 0 && inhibitedBy(a, t).length === 0)
      .sort((a, b) => labelsKey(a.labels).localeCompare(labelsKey(b.labels)));
    const firing = visible.filter((a) => !isResolved(a, t));
    const resolved = visible.filter((a) => isResolved(a, t));
    const receiver = receivers.get(g.route.opts.receiver);
    const integrations = [
      ...(receiver?.telegram_configs ?? []).map((c, i) => ({
        type: 'telegram',
        i,
        sendResolved: c.send_resolved,
      })),
      ...(receiver?.webhook_configs ?? []).map((c, i) => ({
        type: 'webhook',
        i,
        sendResolved: c.send_resolved,
      })),
      ...(receiver?.desktop_configs ?? []).map((c, i) => ({
        type: 'desktop',
        i,
        sendResolved: c.send_resolved,
      })),
    ];
    for (const integ of integrations) {
      const channel = `${g.route.opts.receiver}/${integ.type}/${integ.i}`;
      const logKey = `${g.key}|${channel}`;
      const entry = state.nflog[logKey];
      const firingIds = firing.map((a) => a.fingerprint);
      const resolvedIds = resolved.map((a) => a.fingerprint);
      let send: boolean;
      if (entry === undefined) send = firing.length > 0;
      else if (!firingIds.every((f) => entry.firing.includes(f))) send = true;
      else if (firing.length === 0) send = entry.firing.length > 0;
      else if (integ.sendResolved && !resolvedIds.every((f) => entry.resolved.includes(f))) send = true;
      else {
        // Repeat only for alerts nobody acknowledged.
        const unacked = firingIds.filter((f) => !acks.has(f));
        send = unacked.length > 0 && entry.at + g.route.opts.repeatIntervalMs <= t;
      }
      if (!send) continue;
      state.nflog[logKey] = { firing: firingIds, resolved: resolvedIds, at: t };
      const list = [
        ...firing.map((alert) => ({ status: 'firing' as const, alert })),
        ...(integ.sendResolved ? resolved.map((alert) => ({ status: 'resolved' as const, alert })) : []),
      ];
      if (list.length === 0) continue;
      const n: Notification = {
        receiver: g.route.opts.receiver,
        groupKey: `${g.route.key}:${labelsKey(g.labels)}`,
        status: firing.length > 0 ? 'firing' : 'resolved',
        groupLabels: g.labels,
        commonLabels: common(list.map((x) => x.alert.labels)),
        commonAnnotations: common(list.map((x) => x.alert.annotations)),
        externalURL: o.externalURL ?? '',
        alerts: list,
        truncatedAlerts: 0,
      };
      await o.outbox.enqueue(channel, n);
    }
    g.flushed = true;
    // Resolved alerts leave the group once notified; an empty group ends.
    for (const a of [...g.alerts.values()]) {
      const cur = alerts.get(a.fingerprint) ?? a;
      if (isResolved(cur, t)) {
        g.alerts.delete(a.fingerprint);
        acks.delete(a.fingerprint);
      }
    }
    if (g.alerts.size === 0) {
      // An ended group's interval timer must not outlive it (it would also keep the process alive).
      clearTimeout(g.timer);
      if (current(g)) {
        groups.delete(g.key);
        for (const k of Object.keys(state.nflog)) if (k.startsWith(`${g.key}|`)) delete state.nflog[k];
      }
    } else schedule(g, g.route.opts.groupIntervalMs);
    await save();
  };

  /** place puts an alert into the groups of the routes that take it, opening groups as needed. */
  const place = (stored: StoredAlert, t: number): void => {
    for (const route of root.match(stored.labels)) {
      const labels = route.groupLabels(stored.labels);
      const key = `${route.key}:${labelsKey(labels)}`;
      let g = groups.get(key);
      if (g === undefined) {
        g = { key, route, labels, alerts: new Map(), flushed: false };
        groups.set(key, g);
        schedule(g, route.opts.groupWaitMs);
      }
      g.alerts.set(stored.fingerprint, stored);
      if (!g.flushed && stored.startsAt + route.opts.groupWaitMs < t) schedule(g, 0);
    }
  };

  /**
   * reload swaps the route tree, receivers and inhibit rules, as Alertmanager does on a configuration
   * reload: the groups are formed again from the alerts they held (a resolution not yet notified stays
   * due), and the notification log — keyed by group and channel — keeps what was already sent from being
   * sent again. Silences and acks are untouched. A bad route tree throws and leaves the old one running.
   */
  const reload = (c: AlertingConfig): void => {
    const nextRoot = new Route(c.route);
    const nextInhibitors = compileInhibitors(c);
    root = nextRoot;
    receivers = new Map(c.receivers.map((r) => [r.name, r]));
    inhibitors = nextInhibitors;
    const held = new Map<string, StoredAlert>();
    for (const g of groups.values()) {
      clearTimeout(g.timer);
      for (const a of g.alerts.values()) held.set(a.fingerprint, a);
    }
    groups.clear();
    const t = now();
    for (const a of held.values()) place(alerts.get(a.fingerprint) ?? a, t);
  };

  const receive = (incoming: readonly PostableAlert[]): void => {
    const t = now();
    for (const a of incoming) {
      const fp = fingerprint(a.labels);
      const prev = alerts.get(fp);
      const stored: StoredAlert = { ...a, fingerprint: fp };
      // A continuing alert keeps its original start, as Alertmanager merges overlapping alerts.
      if (prev !== undefined && !isResolved(prev, t) && prev.startsAt < a.startsAt)
        stored.startsAt = prev.startsAt;
      alerts.set(fp, stored);
      place(stored, t);
    }
    // Forget resolved alerts no group holds any more.
    for (const [fp, a] of alerts)
      if (isResolved(a, t) && ![...groups.values()].some((g) => g.alerts.has(fp))) alerts.delete(fp);
  };

  const routed = (a: StoredAlert, t: number): RoutedAlert => {
    const s = silencedBy(a, t);
    const i = inhibitedBy(a, t);
    return {
      ...a,
      state: isResolved(a, t) ? 'resolved' : s.length > 0 || i.length > 0 ? 'suppressed' : 'active',
      silencedBy: s,
      inhibitedBy: i,
      acked: acks.has(a.fingerprint),
      receivers: [...new Set(root.match(a.labels).map((r) => r.opts.receiver))],
    };
  };

  return {
    receive,
    alerts: () => {
      const t = now();
      return [...alerts.values()].map((a) => routed(a, t));
    },
    silences: () => [...state.silences],
    addSilence: async (s) => {
      parseMatchers(s.matchers);
      if (s.matchers.length === 0) throw new Error('a silence needs at least one matcher');
      if (!(s.endsAt > s.startsAt)) throw new Error('a silence must end after it starts');
      const silence: Silence = { ...s, id: s.id ?? randomUUID() };
      state.silences = state.silences.filter((x) => x.id !== silence.id && x.endsAt > now());
      state.silences.push(silence);
      await save();
      return silence;
    },
    expireSilence: async (id) => {
      const s = state.silences.find((x) => x.id === id);
      if (s === undefined || s.endsAt <= now()) return false;
      s.endsAt = now();
      await save();
      return true;
    },
    ack: async (idOrPrefix) => {
      const t = now();
      const hits = [...alerts.values()].filter(
        (a) => a.fingerprint.startsWith(idOrPrefix) && !isResolved(a, t),
      );
      if (hits.length !== 1 || idOrPrefix === '') return undefined;
      acks.add(hits[0]!.fingerprint);
      await save();
      return routed(hits[0]!, t);
    },
    alertsOf: (ref) => {
      const t = now();
      let fps: string[] = [];
      if (ref.startsWith('a')) fps = [ref.slice(1)];
      else if (ref.startsWith('g'))
        fps = [...([...groups.values()].find((g) => groupId(g.key) === ref.slice(1))?.alerts.keys() ?? [])];
      return fps.flatMap((fp) => {
        const a = alerts.get(fp);
        return a !== undefined && !isResolved(a, t) ? [routed(a, t)] : [];
      });
    },
    reload,
    flushAll: async () => {
      for (const g of [...groups.values()]) await flush(g);
    },
    stop: async () => {
      stopped = true;
      for (const g of groups.values()) clearTimeout(g.timer);
      await Promise.all(flushing);
      await save();
    },
  };
}

/** ReloadableRouter is the router as the notify service drives it. */
export type ReloadableRouter = Router & { flushAll(): Promise<void>; reload(config: AlertingConfig): void };

export type { NotifyState };
