import type { Labels } from '../common/labels';
import type { AgentAdvert, AgentDirectory, AgentRecord } from '../pairing/api';
import type { Discoverer, TargetGroup } from './api';
import type { DiscoveredService, ServiceEvent } from './mdns-records';

/** AGENT_SERVICE_TYPE is what `vigie-agent` announces. */
export const AGENT_SERVICE_TYPE = '_vigie._tcp';
/** DROP_REASON_LABEL makes the scrape stage list a target as dropped with this reason instead of scraping it. */
export const DROP_REASON_LABEL = '__vigie_drop_reason__';

/**
 * advertFromService reads an agent's TXT record (id, fp, ver, scheme, path, host, os); it returns the
 * reason when a required field is missing or malformed, so a broken advert is logged, never half-used.
 */
export function advertFromService(s: DiscoveredService): AgentAdvert | string {
  const t = s.txt;
  if (!t.id || !/^[A-Za-z0-9._-]{1,64}$/.test(t.id))
    return `TXT "id" missing or malformed (${JSON.stringify(t.id)})`;
  if (!t.fp || !/^SHA256:[A-Za-z0-9+/]{43}$/.test(t.fp))
    return `TXT "fp" missing or malformed (${JSON.stringify(t.fp)})`;
  const scheme = t.scheme ?? 'http';
  if (scheme !== 'http' && scheme !== 'https')
    return `TXT "scheme" must be http or https, not ${JSON.stringify(scheme)}`;
  const path = t.path ?? '/metrics';
  if (!path.startsWith('/')) return `TXT "path" must start with "/", not ${JSON.stringify(path)}`;
  if (!(s.port > 0 && s.port < 65536)) return `SRV port ${s.port} is out of range`;
  return {
    id: t.id,
    fingerprint: t.fp,
    hostname: t.host || s.host.replace(/\.local$/, ''),
    os: t.os ?? '',
    version: t.ver ?? '',
    scheme,
    metricsPath: path,
    address: `${s.address}:${s.port}`,
    instance: s.name,
  };
}

/** feedAgentEvent passes one `_vigie._tcp` browser event to the registry. */
export function feedAgentEvent(dir: AgentDirectory, e: ServiceEvent, log: (m: string) => void): void {
  if (e.kind === 'down') {
    dir.forget(e.service.key, e.why);
    return;
  }
  const a = advertFromService(e.service);
  if (typeof a === 'string') log(`ignoring mDNS advert ${e.service.fqdn} from ${e.service.address}: ${a}`);
  else dir.observe(e.service.key, a);
}

/** agentTarget is an agent as a scrape target; pending and rejected ones carry the reason they are dropped. */
export function agentTarget(r: AgentRecord, scheme = 'http', metricsPath = '/metrics'): Labels {
  const labels: Record<string, string> = {
    __address__: r.address,
    __scheme__: scheme,
    __metrics_path__: metricsPath,
    // The instance label is the agent's stable name, so its series keep their identity across IP changes.
    instance: `${r.hostname}-${r.id.slice(0, 8)}`,
    // The scrape URL names the agent (?vigie_agent=ID): the signing fetcher checks that agent's pinned key.
    __param_vigie_agent: r.id,
    __meta_vigie_agent_id: r.id,
    __meta_vigie_agent_fingerprint: r.fingerprint,
    __meta_vigie_agent_state: r.state,
  };
  if (r.state === 'pending')
    labels[DROP_REASON_LABEL] =
      `agent pending adoption (fingerprint ${r.fingerprint}): adopt it in Vigie → Agents`;
  else if (r.state === 'rejected') labels[DROP_REASON_LABEL] = 'agent rejected';
  return labels;
}

/**
 * AgentDiscoverer turns the agent registry into target groups, one per agent (source = its id): adopted
 * agents are scraped (an offline one stays a target, so its scrapes fail with the goodbye or expiry as the
 * error and `up` 0), pending and rejected ones show as dropped targets with the reason. It re-sends every
 * group whenever the registry changes.
 */
export class AgentDiscoverer implements Discoverer {
  constructor(private readonly dir: AgentDirectory) {}

  groups(): TargetGroup[] {
    return this.dir.list().map((r) => ({ source: `agent:${r.id}`, targets: [agentTarget(r)], labels: {} }));
  }

  run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    send(this.groups());
    this.dir.onChange(() => {
      if (!signal.aborted) send(this.groups());
    });
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}
