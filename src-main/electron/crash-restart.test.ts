import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RendererRestartPolicy } from './crash-restart';

test('a crashed renderer is reloaded, a crash loop gives up, a clean exit is left alone', () => {
  let now = 0;
  const p = new RendererRestartPolicy({ maxRestarts: 3, windowMs: 60_000, now: () => now });
  assert.equal(p.decide('clean-exit'), 'ignore');
  assert.equal(p.decide('crashed'), 'reload');
  now += 1000;
  assert.equal(p.decide('oom'), 'reload');
  now += 1000;
  assert.equal(p.decide('killed'), 'reload');
  now += 1000;
  assert.equal(p.decide('crashed'), 'give-up');
  now += 60_000; // the window slid past the earlier restarts
  assert.equal(p.decide('crashed'), 'reload');
});
