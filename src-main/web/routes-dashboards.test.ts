import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { JsonFileStore } from '../state/json-file-store';
import { addDashboardRoutes } from './routes-dashboards';

const DASHBOARD = {
  title: 'Lab',
  variables: [{ name: 'host', query: 'label_values(up, instance)' }],
  panels: [
    { id: 'p1', type: 'stat', title: 'Up', queries: [{ expr: 'up{instance="$host"}' }], unit: 'none' },
  ],
};

function setup(t: { after: (f: () => void) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-dash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'documents.json');
  const app = (): Hono => {
    const a = new Hono();
    addDashboardRoutes(a, new JsonFileStore({ path }));
    return a;
  };
  const call = async (a: Hono, path: string, init?: RequestInit) => {
    const res = await a.request(path, init);
    return {
      status: res.status,
      body: (await res.json()) as { status: string; data: unknown; error?: string },
    };
  };
  return { app, call };
}

test('a saved dashboard is listed, read back with defaults, survives a new store, and is deleted', async (t) => {
  const { app, call } = setup(t);
  const a = app();
  const put = await call(a, '/api/vigie/dashboards/lab', { method: 'PUT', body: JSON.stringify(DASHBOARD) });
  assert.equal(put.status, 200, put.body.error);
  const b = app();
  const list = await call(b, '/api/vigie/dashboards');
  assert.deepEqual(
    (list.body.data as { id: string; title: string; panels: number }[]).map(({ id, title, panels }) => ({
      id,
      title,
      panels,
    })),
    [{ id: 'lab', title: 'Lab', panels: 1 }],
  );
  const got = await call(b, '/api/vigie/dashboards/lab');
  const d = (
    got.body.data as { dashboard: { range: number; panels: { w: number; thresholds: unknown[] }[] } }
  ).dashboard;
  assert.equal(d.range, 3600);
  assert.equal(d.panels[0]!.w, 6);
  assert.deepEqual(d.panels[0]!.thresholds, []);
  assert.equal((await call(b, '/api/vigie/dashboards/lab', { method: 'DELETE' })).status, 200);
  assert.equal((await call(b, '/api/vigie/dashboards/lab')).status, 404);
});

test('a bad dashboard is refused with the path of every bad field', async (t) => {
  const { app, call } = setup(t);
  const bad = { ...DASHBOARD, panels: [{ ...DASHBOARD.panels[0], type: 'pie', queries: [{ expr: '' }] }] };
  const r = await call(app(), '/api/vigie/dashboards/lab', { method: 'PUT', body: JSON.stringify(bad) });
  assert.equal(r.status, 400);
  assert.match(r.body.error!, /panels\[0\]\.type: /);
  assert.match(r.body.error!, /panels\[0\]\.queries\[0\]\.expr: /);
  const id = await call(app(), '/api/vigie/dashboards/Bad_Id', {
    method: 'PUT',
    body: JSON.stringify(DASHBOARD),
  });
  assert.match(id.body.error!, /invalid dashboard id "Bad_Id"/);
  const cross = await call(app(), '/api/vigie/dashboards/lab', {
    method: 'PUT',
    body: JSON.stringify(DASHBOARD),
    headers: { origin: 'http://evil.example' },
  });
  assert.equal(cross.status, 403);
});
