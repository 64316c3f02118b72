import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectExposition, startAgentServer } from './index';

test('library entry: collectExposition renders this machine in the negotiated format', async () => {
  const text = await collectExposition();
  assert.equal(text.contentType, 'text/plain; version=0.0.4; charset=utf-8');
  assert.match(text.body, /^# TYPE node_boot_time_seconds gauge$/m);
  const om = await collectExposition('application/openmetrics-text;version=1.0.0');
  assert.equal(om.contentType, 'application/openmetrics-text; version=1.0.0; charset=utf-8');
  assert.ok(om.body.endsWith('# EOF\n'));
});

test('library entry: startAgentServer gives a URL and a close()', async () => {
  const agent = await startAgentServer({ host: '127.0.0.1', port: 0 });
  try {
    const res = await fetch(agent.url + 'metrics');
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^node_boot_time_seconds /m);
  } finally {
    await agent.close();
  }
  await assert.rejects(fetch(agent.url + 'metrics'));
});
