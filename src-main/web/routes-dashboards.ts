import type { Hono } from 'hono';
import type { DocumentStore } from '../state/api';
import { DASHBOARD_ID, parseDashboard, type Dashboard } from './dashboard-schema';
import { json } from './respond';
import { crossOrigin, fail } from './route-helpers';

const KIND = 'dashboards';

/**
 * addDashboardRoutes serves the user's dashboards: GET /api/vigie/dashboards (id, title, panel count),
 * GET / PUT / DELETE /api/vigie/dashboards/{id}. PUT takes the dashboard JSON (the same document the UI
 * exports), checks it field by field, and saves it; export/import is that document as a file.
 */
export function addDashboardRoutes(app: Hono, store: DocumentStore | undefined): void {
  const unavailable = (): Response => fail(404, 'not_found', 'dashboards are not stored by this appliance');
  app.get('/api/vigie/dashboards', async () => {
    if (store === undefined) return unavailable();
    const list = await store.list(KIND);
    return json({
      status: 'success',
      data: list.map((d) => {
        const doc = d.doc as Dashboard;
        return {
          id: d.id,
          title: doc.title,
          panels: doc.panels.length,
          updated: new Date(d.updated).toISOString(),
        };
      }),
    });
  });
  app.get('/api/vigie/dashboards/:id', async (c) => {
    if (store === undefined) return unavailable();
    const d = await store.get(KIND, c.req.param('id'));
    if (d === undefined) return fail(404, 'not_found', `no dashboard "${c.req.param('id')}"`);
    return json({
      status: 'success',
      data: { id: d.id, updated: new Date(d.updated).toISOString(), dashboard: d.doc },
    });
  });
  app.put('/api/vigie/dashboards/:id', async (c) => {
    if (store === undefined) return unavailable();
    if (crossOrigin(c)) return fail(403, 'forbidden', 'cross-origin request refused');
    const id = c.req.param('id');
    if (!DASHBOARD_ID.test(id))
      return fail(
        400,
        'bad_data',
        `invalid dashboard id "${id}": lower-case letters, digits and -, at most 64`,
      );
    let body: unknown;
    try {
      body = await c.req.json();
    } catch (e) {
      return fail(400, 'bad_data', `the body is not JSON: ${(e as Error).message}`);
    }
    let dashboard: Dashboard;
    try {
      dashboard = parseDashboard(body);
    } catch (e) {
      return fail(400, 'bad_data', (e as Error).message);
    }
    try {
      const d = await store.put(KIND, id, dashboard);
      return json({ status: 'success', data: { id, updated: new Date(d.updated).toISOString(), dashboard } });
    } catch (e) {
      if (e instanceof RangeError) return fail(413, 'bad_data', e.message);
      throw e;
    }
  });
  app.delete('/api/vigie/dashboards/:id', async (c) => {
    if (store === undefined) return unavailable();
    if (crossOrigin(c)) return fail(403, 'forbidden', 'cross-origin request refused');
    const removed = await store.delete(KIND, c.req.param('id'));
    return removed
      ? json({ status: 'success', data: null })
      : fail(404, 'not_found', `no dashboard "${c.req.param('id')}"`);
  });
}
