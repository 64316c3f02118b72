// Router semantics end to end over a local webhook receiver: grouping, group_wait, Alertmanager's webhook
// payload, inhibition, silences, repeat_interval and acknowledgements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src-main/config/load';
import { createNotifier } from '../../src-main/notify/service';
import type { PostableAlert } from '../../src-main/notify/api';

interface Payload {
  version: string;
  status: string;
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: {
    status: string;
    labels: Record<string, string>;
    endsAt: string;
    startsAt: string;
    fingerprint: string;
  }[];
}

async function receiver(t: { after(f: () => Promise<void>): void }) {
  const got: Payload[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push(JSON.parse(Buffer.concat(chunks).toString()) as Payload);
      res.end('ok');
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const waitFor = (pred: () => boolean, ms = 5000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pred()) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out; got ${JSON.stringify(got.map((p) => p.groupLabels))}`));
      }, ms);
      waiters.add(check);
      check();
    });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, waitFor };
}

function alert(labels: Record<string, string>): PostableAlert {
  return {
    labels,
    annotations: { summary: 's' },
    startsAt: Date.now(),
    endsAt: Date.now() + 3_600_000,
    generatorURL: 'http://x/graph',
  };
}

test('grouping, inhibition, silences, repeats and acks as Alertmanager', async (t) => {
  const hook = await receiver(t);
  const dir = await mkdtemp(join(tmpdir(), 'vigie-hook-'));
  const cfg = parseConfig(
    `alerting:
  route:
    receiver: hook
    group_by: [alertname]
    group_wait: 100ms
    group_interval: 150ms
    repeat_interval: 400ms
  receivers:
    - name: hook
      webhook_configs: [{ url: "${hook.url}" }]
  inhibit_rules:
    - source_matchers: [alertname="HostDown"]
      target_matchers: [severity="warning"]
      equal: [instance]
`,
    'vigie.yml',
  );
  const n = await createNotifier({ config: cfg.alerting, dir, log: () => {} });
  t.after(async () => {
    await n.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const down = alert({ alertname: 'HostDown', instance: 'a', severity: 'critical' });
  n.receive([
    down,
    alert({ alertname: 'CpuHigh', instance: 'a', severity: 'warning' }),
    alert({ alertname: 'CpuHigh', instance: 'b', severity: 'warning' }),
  ]);
  await hook.waitFor(() => hook.got.length >= 2);
  const byName = (name: string) => hook.got.filter((p) => p.groupLabels.alertname === name);
  const cpu = byName('CpuHigh')[0]!;
  assert.equal(cpu.version, '4');
  assert.equal(cpu.status, 'firing');
  assert.equal(cpu.receiver, 'hook');
  assert.deepEqual(
    cpu.alerts.map((a) => a.labels.instance),
    ['b'],
    'CpuHigh on a is inhibited by HostDown on a',
  );
  assert.equal(cpu.alerts[0]!.endsAt, '0001-01-01T00:00:00Z');
  assert.match(cpu.alerts[0]!.fingerprint, /^[0-9a-f]{16}$/);
  assert.deepEqual(cpu.commonLabels, { alertname: 'CpuHigh', instance: 'b', severity: 'warning' });

  // Ack HostDown; silence CpuHigh on b. Then wait past repeat_interval: nothing repeats.
  const downId = n.alerts().find((a) => a.labels.alertname === 'HostDown')!.fingerprint;
  assert.ok(await n.ack(downId.slice(0, 8)));
  const s = await n.addSilence({
    matchers: ['instance="b"'],
    startsAt: Date.now(),
    endsAt: Date.now() + 60_000,
    createdBy: 't',
    comment: '',
  });
  assert.equal(n.alerts().find((a) => a.labels.instance === 'b')!.state, 'suppressed');
  const count = hook.got.length;
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(hook.got.length, count, 'acked and silenced alerts do not repeat');

  // Unsilenced, CpuHigh b notifies again; a new alert in an acked group notifies.
  await n.expireSilence(s.id);
  n.receive([alert({ alertname: 'HostDown', instance: 'c', severity: 'critical' })]);
  await hook.waitFor(() => byName('CpuHigh').length >= 2 && byName('HostDown').length >= 2);
  // Resolution is sent with its end time.
  n.receive([{ ...down, endsAt: Date.now() - 10 }]);
  await hook.waitFor(() =>
    hook.got.some((p) => p.alerts.some((a) => a.status === 'resolved' && a.labels.instance === 'a')),
  );
});
