import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TargetGroup } from './api';
import { StaticDiscoverer } from './static';

test('StaticDiscoverer sends one group per static_configs entry, sourced by position, then waits', async () => {
  const d = new StaticDiscoverer([
    { targets: ['a:1', 'b:2'], labels: { env: 'lab' } },
    { targets: ['c:3'], labels: {} },
  ]);
  const sent: TargetGroup[][] = [];
  const ac = new AbortController();
  let finished = false;
  const run = d.run(ac.signal, (g) => sent.push(g)).then(() => (finished = true));
  assert.deepEqual(sent, [
    [
      { source: '0', targets: [{ __address__: 'a:1' }, { __address__: 'b:2' }], labels: { env: 'lab' } },
      { source: '1', targets: [{ __address__: 'c:3' }], labels: {} },
    ],
  ]);
  await Promise.resolve();
  assert.equal(finished, false, 'runs until aborted');
  ac.abort();
  await run;
  assert.equal(finished, true);
});

test('StaticDiscoverer with an aborted signal sends nothing', async () => {
  const ac = new AbortController();
  ac.abort();
  const sent: TargetGroup[][] = [];
  await new StaticDiscoverer([{ targets: ['a:1'], labels: {} }]).run(ac.signal, (g) => sent.push(g));
  assert.deepEqual(sent, []);
});
