import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLanShare } from './lan-share';

test('share on LAN serves the same in-process app over HTTP and frees the port when closed', async (t) => {
  const share = await startLanShare((r) => new Response(`you asked for ${new URL(r.url).pathname}`), {
    host: '127.0.0.1',
    port: 0,
  });
  let closed = false;
  t.after(() => (closed ? undefined : share.close()));
  assert.match(share.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${share.url}/api/v1/query`);
  assert.equal(await res.text(), 'you asked for /api/v1/query');
  await share.close();
  closed = true;
  await assert.rejects(fetch(`${share.url}/`));
});

test('a taken port is a clear error naming the address', async (t) => {
  const first = await startLanShare(() => new Response('x'), { host: '127.0.0.1', port: 0 });
  t.after(() => first.close());
  const port = Number(new URL(first.url).port);
  await assert.rejects(
    startLanShare(() => new Response('y'), { host: '127.0.0.1', port }),
    new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`),
  );
});
