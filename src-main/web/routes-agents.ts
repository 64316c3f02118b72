import type { Hono } from 'hono';
import { AgentRegistryError, type AgentRecord, type AgentRegistryApi } from '../pairing/api';
import { json } from './respond';
import { crossOrigin, fail } from './route-helpers';

/** agentJson is an agent as the API shows it (the same fields the registry persists). */
function agentJson(r: AgentRecord): Record<string, unknown> {
  return {
    id: r.id,
    state: r.state,
    hostname: r.hostname,
    os: r.os,
    version: r.version,
    address: r.address,
    fingerprint: r.fingerprint,
    keyVerified: r.publicKey !== '',
    online: r.online,
    why: r.why,
    firstSeen: new Date(r.firstSeen).toISOString(),
    lastSeen: new Date(r.lastSeen).toISOString(),
    adoptedBy: r.adoptedBy ?? null,
    conflicts: r.conflicts.map((c) => ({ ...c, at: new Date(c.at).toISOString() })),
    flagged: r.conflicts.length > 0,
  };
}

/**
 * addAgentRoutes serves Vigie's agent API: GET /api/vigie/agents lists every discovered agent (pending,
 * adopted, rejected, with hostname, OS, address, fingerprint and any impersonation flags); POST
 * …/{id}/adopt (optionally `fingerprint=` to make sure the right key is pinned) and …/{id}/reject; DELETE
 * …/{id} forgets an agent (a retired machine; one still on the LAN comes back as pending).
 */
export function addAgentRoutes(app: Hono, agents: AgentRegistryApi | undefined): void {
  app.get('/api/vigie/agents', (c) => {
    if (agents === undefined) return json({ status: 'success', data: [] });
    const state = c.req.query('state');
    if (state !== undefined && !['pending', 'adopted', 'rejected'].includes(state))
      return fail(400, 'bad_data', 'invalid parameter "state": must be one of pending, adopted, rejected');
    const list = agents.list().filter((r) => state === undefined || r.state === state);
    return json({ status: 'success', data: list.map(agentJson) });
  });

  app.get('/api/vigie/agents/:id', (c) => {
    const r = agents?.get(c.req.param('id'));
    if (r === undefined) return fail(404, 'not_found', `no agent with id "${c.req.param('id')}"`);
    return json({ status: 'success', data: agentJson(r) });
  });

  app.delete('/api/vigie/agents/:id', (c) => {
    if (crossOrigin(c)) return fail(403, 'forbidden', 'cross-origin requests may not change agent trust');
    if (agents === undefined) return fail(503, 'unavailable', 'agent discovery is off (--no-mdns)');
    const r = agents.get(c.req.param('id'));
    if (r === undefined) return fail(404, 'not_found', `no agent with id "${c.req.param('id')}"`);
    return json({ status: 'success', data: agentJson(agents.remove(r.id)) });
  });

  for (const action of ['adopt', 'reject'] as const) {
    app.post(`/api/vigie/agents/:id/${action}`, async (c) => {
      if (crossOrigin(c)) return fail(403, 'forbidden', 'cross-origin requests may not change agent trust');
      if (agents === undefined) return fail(503, 'unavailable', 'agent discovery is off (--no-mdns)');
      const id = c.req.param('id');
      let fingerprint = c.req.query('fingerprint');
      const type = c.req.header('content-type') ?? '';
      if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
        const form = await c.req.parseBody();
        if (typeof form.fingerprint === 'string') fingerprint = form.fingerprint;
      } else if (type.startsWith('application/json')) {
        const body = (await c.req.json().catch(() => undefined)) as { fingerprint?: unknown } | undefined;
        if (body === undefined) return fail(400, 'bad_data', 'request body is not valid JSON');
        if (typeof body.fingerprint === 'string') fingerprint = body.fingerprint;
      }
      try {
        const r = action === 'adopt' ? agents.adopt(id, fingerprint) : agents.reject(id);
        return json({ status: 'success', data: agentJson(r) });
      } catch (e) {
        if (e instanceof AgentRegistryError)
          return fail(e.status, e.status === 404 ? 'not_found' : 'conflict', e.message);
        throw e;
      }
    });
  }
}
