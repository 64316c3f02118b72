import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import type { Secrets } from '../secrets/api';
import { Access } from './access';
import { accessControl, addAuthRoutes, callerOf, isLoopback, SESSION_COOKIE } from './auth';
import { startServer } from './server';

/** memorySecrets is a Secrets store in a Map, so tests can look at what would be on disk. */
function memorySecrets(): Secrets & { raw: Map<string, string> } {
  const raw = new Map<string, string>();
  return {
    raw,
    get: (n) => raw.get(n),
    set: (n, v) => void raw.set(n, v),
    delete: (n) => void raw.delete(n),
    names: () => [...raw.keys()].sort(),
  };
}

const LAN = { incoming: { socket: { remoteAddress: '192.168.1.20' } } };
const LOOPBACK = { incoming: { socket: { remoteAddress: '::ffff:127.0.0.1' } } };

async function setup(opts: { sharing?: boolean } = {}) {
  const secrets = memorySecrets();
  const access = new Access(secrets, { scrypt: { N: 1024, r: 8, p: 1 } });
  await access.setPassword('correct horse');
  if (opts.sharing !== false) access.setSharing(true);
  const app = new Hono();
  app.use('*', accessControl(access));
  addAuthRoutes(app, access, { maxLoginFailures: 3 });
  app.get('/api/v1/query', (c) => c.json({ status: 'success', caller: callerOf(c) }));
  app.post('/api/v1/query', (c) => c.json({ status: 'success', caller: callerOf(c) }));
  app.post('/api/vigie/silences', (c) => c.json({ status: 'success', caller: callerOf(c) }));
  app.delete('/api/vigie/dashboards/x', (c) => c.json({ status: 'success' }));
  app.get('/index.html', (c) => c.html('<!doctype html>'));
  return { app, access, secrets };
}

const req = (path: string, init: RequestInit = {}) => new Request(`http://vigie.lan:9742${path}`, init);

test('loopback and in-process callers pass without credentials, LAN callers need them', async () => {
  const { app } = await setup();
  for (const env of [undefined, LOOPBACK]) {
    const r = await app.fetch(req('/api/vigie/silences', { method: 'POST' }), env);
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { caller: string }).caller, 'local');
  }
  const denied = await app.fetch(req('/api/v1/query?query=up'), LAN);
  assert.equal(denied.status, 401);
  assert.match(((await denied.json()) as { error: string }).error, /log in/);
  // The renderer's files load, so the login form can show.
  assert.equal((await app.fetch(req('/index.html'), LAN)).status, 200);
});

test('with sharing off, LAN callers pass as before (the listener decides who connects)', async () => {
  const { app } = await setup({ sharing: false });
  const r = await app.fetch(req('/api/vigie/silences', { method: 'POST' }), LAN);
  assert.equal(((await r.json()) as { caller: string }).caller, 'open');
});

test('a password login sets an HttpOnly SameSite cookie that grants writes', async () => {
  const { app } = await setup();
  const bad = await app.fetch(
    req('/api/vigie/auth/login', { method: 'POST', body: JSON.stringify({ password: 'nope' }) }),
    LAN,
  );
  assert.equal(bad.status, 401);
  assert.equal(bad.headers.get('set-cookie'), null);
  const good = await app.fetch(
    req('/api/vigie/auth/login', { method: 'POST', body: JSON.stringify({ password: 'correct horse' }) }),
    LAN,
  );
  assert.equal(good.status, 200);
  const cookie = good.headers.get('set-cookie')!;
  assert.match(cookie, new RegExp(`^${SESSION_COOKIE}=`));
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const session = cookie.split(';')[0]!;
  const w = await app.fetch(
    req('/api/vigie/silences', { method: 'POST', headers: { cookie: session } }),
    LAN,
  );
  assert.equal(w.status, 200);
  assert.equal(((await w.json()) as { caller: string }).caller, 'session');
  const me = await app.fetch(req('/api/vigie/auth', { headers: { cookie: session } }), LAN);
  assert.deepEqual(((await me.json()) as { data: { loggedIn: boolean } }).data.loggedIn, true);
  // Logging out ends the session on the server, not only in the browser.
  await app.fetch(req('/api/vigie/auth/logout', { method: 'POST', headers: { cookie: session } }), LAN);
  const after = await app.fetch(req('/api/v1/query', { headers: { cookie: session } }), LAN);
  assert.equal(after.status, 401);
});

test('a new password ends the sessions made with the old one', async () => {
  const { app, access } = await setup();
  const login = await app.fetch(
    req('/api/vigie/auth/login', { method: 'POST', body: JSON.stringify({ password: 'correct horse' }) }),
    LAN,
  );
  const session = login.headers.get('set-cookie')!.split(';')[0]!;
  await access.setPassword('battery staple');
  assert.equal((await app.fetch(req('/api/v1/query', { headers: { cookie: session } }), LAN)).status, 401);
});

test('read-only tokens read (GET and query POSTs) but never change anything', async () => {
  const { app, access, secrets } = await setup();
  const { token, id } = access.createToken('wall screen');
  assert.ok(![...secrets.raw.values()].some((v) => v.includes(token)), 'only a hash of the token is stored');
  assert.deepEqual(
    access.listTokens().map((t) => t.name),
    ['wall screen'],
  );
  assert.ok(!JSON.stringify(access.listTokens()).includes(token));

  const viaQuery = await app.fetch(req(`/api/v1/query?query=up&token=${token}`), LAN);
  assert.equal(viaQuery.status, 200);
  assert.equal(((await viaQuery.json()) as { caller: string }).caller, 'token');
  const auth = { authorization: `Bearer ${token}` };
  assert.equal((await app.fetch(req('/api/v1/query', { method: 'POST', headers: auth }), LAN)).status, 200);
  for (const [method, path] of [
    ['POST', '/api/vigie/silences'],
    ['DELETE', '/api/vigie/dashboards/x'],
    ['PUT', '/api/vigie/dashboards/x'],
  ] as const) {
    const r = await app.fetch(req(path, { method, headers: auth }), LAN);
    assert.equal(r.status, 403, `${method} ${path}`);
    assert.match(((await r.json()) as { error: string }).error, /read-only/);
  }
  assert.equal(access.revokeToken(id), true);
  assert.equal((await app.fetch(req('/api/v1/query', { headers: auth }), LAN)).status, 401);
  assert.equal((await app.fetch(req('/api/v1/query?token=vro_guess'), LAN)).status, 401);
});

test('repeated wrong passwords from one address are answered 429', async () => {
  const { app } = await setup();
  const attempt = (password: string) =>
    app.fetch(req('/api/vigie/auth/login', { method: 'POST', body: JSON.stringify({ password }) }), LAN);
  for (let i = 0; i < 3; i++) assert.equal((await attempt('wrong')).status, 401);
  assert.equal((await attempt('correct horse')).status, 429);
});

test('a cross-origin write from a browser is refused even on loopback', async () => {
  const { app } = await setup({ sharing: false });
  const r = await app.fetch(
    req('/api/vigie/silences', { method: 'POST', headers: { origin: 'http://evil.example' } }),
    LOOPBACK,
  );
  assert.equal(r.status, 403);
  const same = await app.fetch(
    req('/api/vigie/silences', { method: 'POST', headers: { origin: 'http://vigie.lan:9742' } }),
    LOOPBACK,
  );
  assert.equal(same.status, 200);
});

test('sharing cannot be turned on without a password', () => {
  const access = new Access(memorySecrets());
  assert.throws(() => access.setSharing(true), /password/);
  return assert.rejects(access.setPassword('short'), /at least 8/);
});

test('isLoopback knows IPv4, IPv6 and IPv4-mapped loopback', () => {
  for (const a of ['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1']) assert.ok(isLoopback(a), a);
  for (const a of ['192.168.1.2', '::ffff:10.0.0.1', 'fe80::1', '', '1127.0.0.1'])
    assert.ok(!isLoopback(a), a);
});

test('behind the Node listener, the peer address comes from the real socket', async (t) => {
  const { app } = await setup();
  const server = await startServer(app, { host: '127.0.0.1', port: 0 });
  t.after(() => server.close());
  const r = await fetch(`${server.url}/api/v1/query?query=up`);
  assert.equal(((await r.json()) as { caller: string }).caller, 'local');
});
