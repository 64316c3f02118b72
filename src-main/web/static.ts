import type { Context, Hono } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

/** NOT_BUILT_PAGE is what `/` shows when the renderer has not been built yet: the API still works. */
export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Vigie</title></head>
<body>
<h1>Vigie</h1>
<p>The user interface is not built yet. Run <code>npm run build</code>, then reload this page.</p>
<p>The API works meanwhile: see <a href="/api/v1/targets">/api/v1/targets</a>.</p>
</body>
</html>
`;

/**
 * resolveInside maps a URL path to a file under root, or undefined when the path would escape root
 * (`..`, encoded slashes, NUL) — the one check that keeps the static server from serving the disk.
 */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').includes('..')) return undefined;
  const rel = normalize(decoded).replace(/^[/\\]+/, '');
  const full = join(root, rel);
  const base = root.endsWith(sep) ? root : root + sep;
  return full === root || full.startsWith(base) ? full : undefined;
}

async function fileAt(path: string): Promise<Buffer | undefined> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return undefined;
    return await readFile(path);
  } catch {
    return undefined;
  }
}

function fileResponse(c: Context, path: string, body: Buffer, cache: string): Response {
  const headers = {
    'content-type': getMimeType(path) ?? 'application/octet-stream',
    'cache-control': cache,
  };
  return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(body), { headers });
}

/**
 * addStaticRoutes serves the renderer's built files from staticDir. A path without a file extension that
 * names no file gets index.html, so the single-page app's own routes (/dashboards/x) survive a reload;
 * a missing asset (`/assets/x.js`) is a plain 404. Register it last: it answers every other GET.
 */
export function addStaticRoutes(app: Hono, staticDir: string | undefined): void {
  app.on(['GET', 'HEAD'], '*', async (c) => {
    const path = c.req.path;
    if (staticDir !== undefined) {
      const file = path.endsWith('/') ? undefined : resolveInside(staticDir, path);
      const body = file === undefined ? undefined : await fileAt(file);
      // Vite puts content-hashed names under assets/: they never change, so they may be cached for good.
      if (file !== undefined && body !== undefined)
        return fileResponse(
          c,
          file,
          body,
          path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      if (extname(path) === '') {
        const index = join(staticDir, 'index.html');
        const html = await fileAt(index);
        if (html !== undefined) return fileResponse(c, index, html, 'no-cache');
      }
    }
    if (path === '/' || path === '/index.html') return c.html(NOT_BUILT_PAGE);
    return c.text('Not Found\n', 404);
  });
}
