import type { Context, Hono } from 'hono';
import { ProbeCheckError, ProbeConflictError, type ProbeManager } from '../probe/api';
import { json } from './respond';
import { crossOrigin, fail } from './route-helpers';

/** failure maps the probe stage's errors to the API's envelope: bad input 400, config-owned 409. */
function failure(e: unknown): Response {
  if (e instanceof ProbeCheckError) return fail(400, 'bad_data', e.message);
  if (e instanceof ProbeConflictError) return fail(409, 'conflict', e.message);
  if (e instanceof RangeError) return fail(413, 'bad_data', e.message);
  throw e;
}

async function body(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch (e) {
    throw new ProbeCheckError('', `the body is not JSON: ${(e as Error).message}`);
  }
}

/**
 * addProbeRoutes serves the checks the app runs: GET /api/vigie/probes lists every
 * check with its last result, PUT /api/vigie/probes/{id} saves a UI check, DELETE removes one (409 for a
 * config-file check), POST /api/vigie/probes/test runs a check once and stores nothing.
 */
export function addProbeRoutes(app: Hono, probes: ProbeManager | undefined): void {
  const unavailable = (): Response => fail(404, 'not_found', 'probes are not run by this appliance');
  app.get('/api/vigie/probes', () => {
    if (probes === undefined) return unavailable();
    return json({
      status: 'success',
      data: probes.list().map((s) => ({ check: s.check, ...(s.last ? { last: s.last } : {}) })),
    });
  });
  app.post('/api/vigie/probes/test', async (c) => {
    if (probes === undefined) return unavailable();
    if (crossOrigin(c)) return fail(403, 'forbidden', 'cross-origin request refused');
    try {
      return json({ status: 'success', data: await probes.test(await body(c)) });
    } catch (e) {
      return failure(e);
    }
  });
  app.put('/api/vigie/probes/:id', async (c) => {
    if (probes === undefined) return unavailable();
    if (crossOrigin(c)) return fail(403, 'forbidden', 'cross-origin request refused');
    try {
      return json({ status: 'success', data: await probes.put(await body(c), c.req.param('id')) });
    } catch (e) {
      return failure(e);
    }
  });
  app.delete('/api/vigie/probes/:id', async (c) => {
    if (probes === undefined) return unavailable();
    if (crossOrigin(c)) return fail(403, 'forbidden', 'cross-origin request refused');
    try {
      const removed = await probes.delete(c.req.param('id'));
      return removed
        ? json({ status: 'success', data: null })
        : fail(404, 'not_found', `no check "${c.req.param('id')}"`);
    } catch (e) {
      return failure(e);
    }
  });
}
