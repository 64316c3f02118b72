import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, apiLines } from './client';

/** serve makes the page's fetch answer with these body chunks (or a refusal), recording what was sent. */
function serve(chunks: string[], status = 200): { sent: { path: string; auth: string | null }[] } {
  const sent: { path: string; auth: string | null }[] = [];
  const store = new Map([['vigie.token', 'ro-token']]);
  Object.assign(globalThis, {
    sessionStorage: { getItem: (k: string) => store.get(k) ?? null },
    fetch: async (path: string, init: RequestInit) => {
      sent.push({ path, auth: new Headers(init.headers).get('authorization') });
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          for (const x of chunks) c.enqueue(new TextEncoder().encode(x));
          c.close();
        },
      });
      return new Response(body, { status });
    },
  });
  return { sent };
}

test('apiLines hands over each line as parsed JSON, whatever the chunks cut, with the token', async () => {
  const { sent } = serve(['{"a":1}\n{"b', '":[1,2]}\n', '\n{"c":"x\\ny"}']);
  const got: unknown[] = [];
  await apiLines('/api/vigie/query_batch', { method: 'POST' }, 1000, (l) => got.push(l));
  assert.deepEqual(got, [{ a: 1 }, { b: [1, 2] }, { c: 'x\ny' }]);
  assert.deepEqual(sent, [{ path: '/api/vigie/query_batch', auth: 'Bearer ro-token' }]);
});

test("apiLines turns a refusal into an ApiError with the route's message and status", async () => {
  serve(['{"status":"error","errorType":"bad_data","error":"queries[2].step: required"}'], 400);
  await assert.rejects(
    apiLines('/x', {}, 1000, () => assert.fail('no line expected')),
    (e: unknown) => e instanceof ApiError && e.status === 400 && /queries\[2\]\.step/.test(e.message),
  );
});

test('apiLines says which route sent a line that is not JSON', async () => {
  serve(['{"ok":true}\n', 'oops\n']);
  const got: unknown[] = [];
  await assert.rejects(
    apiLines('/x', {}, 1000, (l) => got.push(l)),
    /\/x: a line is not JSON/,
  );
  assert.deepEqual(got, [{ ok: true }], 'the lines before it were handed over');
});
