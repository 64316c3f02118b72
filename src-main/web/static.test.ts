import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Hono } from 'hono';
import { addStaticRoutes, NOT_BUILT_PAGE, resolveInside } from './static';

async function builtDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'vigie-static-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dist = join(root, 'dist');
  await mkdir(join(dist, 'assets'), { recursive: true });
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(dist, 'assets', 'main-abc.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'do not serve');
  return dist;
}

function appFor(dir: string | undefined): (path: string) => Promise<Response> {
  const app = new Hono();
  addStaticRoutes(app, dir);
  return async (path) => app.fetch(new Request(`http://vigie.test${path}`));
}

test('built files are served with their type, and app routes fall back to index.html', async (t) => {
  const fetch = appFor(await builtDir(t));
  const js = await fetch('/assets/main-abc.js');
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type')!, /^text\/javascript/);
  assert.match(js.headers.get('cache-control')!, /immutable/);
  assert.equal(await js.text(), 'console.log(1)');
  for (const path of ['/', '/dashboards/lab', '/index.html']) {
    const r = await fetch(path);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-type')!, /^text\/html/);
    assert.equal(await r.text(), '<!doctype html><title>app</title>');
  }
  assert.equal((await fetch('/assets/missing.js')).status, 404);
});

test('paths cannot escape the static folder', async (t) => {
  const dist = await builtDir(t);
  const fetch = appFor(dist);
  for (const path of [
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
  ]) {
    const r = await fetch(path);
    assert.notEqual(await r.text(), 'do not serve', path);
  }
  assert.equal(resolveInside(dist, '/../secret.txt'), undefined);
  assert.equal(resolveInside(dist, '/a/%2e%2e/%2e%2e/secret.txt'), undefined);
  assert.equal(resolveInside(dist, '/assets/main-abc.js'), join(dist, 'assets', 'main-abc.js'));
});

test('without a built UI, / explains and links the API', async (t) => {
  for (const dir of [undefined, join(await builtDir(t), 'nowhere')]) {
    const fetch = appFor(dir);
    const home = await fetch('/');
    assert.equal(home.status, 200);
    assert.equal(await home.text(), NOT_BUILT_PAGE);
    assert.match(NOT_BUILT_PAGE, /href="\/api\/v1\/targets"/);
    assert.equal((await fetch('/dashboards')).status, 404);
  }
});
