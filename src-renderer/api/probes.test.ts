import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkProblems,
  deleteCheck,
  durationSeconds,
  forType,
  listChecks,
  newCheck,
  saveCheck,
  slugify,
  testCheck,
  type ProbeCheck,
} from './probes';

/** A fake appliance: records each request and answers from a handler. */
let requests: { method: string; url: string; body: unknown }[] = [];
let answer: (url: string, method: string) => { status: number; body: unknown } = () => ({
  status: 200,
  body: { status: 'success', data: null },
});
const realFetch = globalThis.fetch;
beforeEach(() => {
  requests = [];
  (globalThis as { sessionStorage?: unknown }).sessionStorage = { getItem: () => null };
  globalThis.fetch = (async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    requests.push({ method, url, body: init.body ? JSON.parse(String(init.body)) : undefined });
    const a = answer(url, method);
    return new Response(JSON.stringify(a.body), { status: a.status });
  }) as typeof fetch;
});
afterEach(() => {
  globalThis.fetch = realFetch;
});

const web: ProbeCheck = { id: 'intranet', name: 'Intranet', type: 'http', target: 'https://intranet.lab/' };

test('listChecks returns the entries, and undefined when the appliance has no probe stage', async () => {
  answer = () => ({
    status: 200,
    body: {
      status: 'success',
      data: [{ check: web, last: { success: true, time: 1, durationSeconds: 0.1 } }],
    },
  });
  const list = await listChecks();
  assert.equal(list?.[0]?.check.id, 'intranet');
  assert.equal(list?.[0]?.last?.success, true);
  answer = () => ({ status: 404, body: { status: 'error', errorType: 'not_found', error: 'no route' } });
  assert.equal(await listChecks(), undefined);
});

test('saveCheck PUTs the check under its id; deleteCheck DELETEs it; testCheck POSTs to /test', async () => {
  answer = (url, method) => ({
    status: 200,
    body: {
      status: 'success',
      data:
        method === 'PUT'
          ? web
          : url.endsWith('/test')
            ? { success: false, error: 'timeout', metrics: [] }
            : null,
    },
  });
  assert.deepEqual(await saveCheck({ ...web, id: 'a b' }), web);
  assert.equal(await deleteCheck('intranet'), null);
  const r = await testCheck(web);
  assert.equal(r.error, 'timeout');
  assert.deepEqual(
    requests.map((q) => [q.method, q.url]),
    [
      ['PUT', '/api/vigie/probes/a%20b'],
      ['DELETE', '/api/vigie/probes/intranet'],
      ['POST', '/api/vigie/probes/test'],
    ],
  );
  assert.deepEqual(requests[2]!.body, web);
});

test('a refused save carries the server message naming the field', async () => {
  answer = () => ({
    status: 400,
    body: { status: 'error', errorType: 'bad_data', error: 'field "target": not a URL' },
  });
  await assert.rejects(saveCheck(web), /field "target": not a URL/);
});

test('durationSeconds reads Prometheus durations', () => {
  assert.equal(durationSeconds('30s'), 30);
  assert.equal(durationSeconds('1m30s'), 90);
  assert.equal(durationSeconds('500ms'), 0.5);
  assert.ok(Number.isNaN(durationSeconds('30')));
  assert.ok(Number.isNaN(durationSeconds('')));
});

test('slugify makes a valid id from a name', () => {
  assert.equal(slugify('  Web site (TLS)!'), 'web-site-tls');
  assert.equal(slugify('Résumé DNS'), 'resume-dns');
});

test('checkProblems names each wrong field, per type', () => {
  assert.deepEqual(checkProblems(web), {});
  assert.deepEqual(Object.keys(checkProblems({ ...web, id: 'Bad Id', target: 'intranet.lab' })).sort(), [
    'id',
    'target',
  ]);
  assert.equal(checkProblems({ ...web, type: 'tcp', target: 'db.lab' }).target, 'host:port');
  assert.deepEqual(checkProblems({ ...web, type: 'tcp', target: 'db.lab:5432' }), {});
  assert.deepEqual(checkProblems({ ...web, type: 'icmp', target: '10.0.0.1' }), {});
  assert.equal(
    checkProblems({ ...web, timeout: '1m', interval: '30s' }).timeout,
    'must not exceed the interval',
  );
  assert.ok(checkProblems({ ...web, http: { validStatusCodes: [200, 999] } }).validStatusCodes);
  assert.ok(checkProblems({ ...web, http: { bodyRegex: '(' } }).bodyRegex);
});

test('forType sends only the settings of the chosen type, without empty fields', () => {
  const c = { ...newCheck('http'), id: 'db', name: ' DB ', type: 'tcp' as const, target: 'db.lab:5432' };
  c.tcp = { tls: true };
  assert.deepEqual(forType(c), {
    id: 'db',
    name: 'DB',
    type: 'tcp',
    target: 'db.lab:5432',
    interval: '30s',
    timeout: '5s',
    tcp: { tls: true },
  });
  const h = forType({ ...newCheck('http'), ...web });
  assert.deepEqual(h.http, { method: 'GET', followRedirects: true, tlsSkipVerify: false });
  assert.equal(h.dns, undefined);
});
