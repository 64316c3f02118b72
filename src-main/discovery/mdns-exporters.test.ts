import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TargetGroup } from './api';
import { ExporterDiscoverer, exporterTarget } from './mdns-exporters';
import type { DiscoveredService } from './mdns-records';

const svc = (txt: Record<string, string>): DiscoveredService => ({
  key: 'lab-exporter._prometheus-http._tcp.local@10.0.0.4',
  fqdn: 'lab-exporter._prometheus-http._tcp.local',
  name: 'lab-exporter',
  type: '_prometheus-http._tcp',
  host: 'h2.local',
  port: 9100,
  address: '10.0.0.4',
  txt,
});

test('exporterTarget maps SRV/TXT to __address__, __metrics_path__ and __meta_mdns_* labels', () => {
  assert.deepEqual(exporterTarget(svc({ path: '/x/metrics', 'bad-key': 'v', room: 'b12' })), {
    __address__: '10.0.0.4:9100',
    __meta_mdns_instance: 'lab-exporter',
    __meta_mdns_host: 'h2.local',
    __metrics_path__: '/x/metrics',
    __meta_mdns_txt_path: '/x/metrics',
    __meta_mdns_txt_room: 'b12',
  });
  assert.equal(exporterTarget(svc({ path: 'relative' })).__metrics_path__, undefined);
  assert.equal(exporterTarget(svc({ scheme: 'https' })).__scheme__, 'https');
});

test('ExporterDiscoverer sends a group per instance and an empty one when it goes down', async () => {
  const d = new ExporterDiscoverer();
  d.handle({ kind: 'up', service: svc({}) });
  const sent: TargetGroup[][] = [];
  const ac = new AbortController();
  const done = d.run(ac.signal, (g) => sent.push(g));
  assert.equal(sent[0]![0]!.targets[0]!.__address__, '10.0.0.4:9100');
  d.handle({ kind: 'down', why: 'goodbye', service: svc({}) });
  assert.deepEqual(sent[1], [{ source: `exporter:${svc({}).key}`, targets: [], labels: {} }]);
  ac.abort();
  await done;
});
