import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentAdvert, AgentDirectory, AgentRecord } from '../pairing/api';
import { createScrapeManager } from '../scrape/manager';
import { createParser } from '../scrape/exposition/parser';
import { scrapeConfig, type ScrapeConfig } from '../config/api';
import { MemoryStorage } from '../storage/memory/memory-storage';
import type { TargetGroup } from './api';
import { advertFromService, AgentDiscoverer, agentTarget, feedAgentEvent } from './mdns-agents';
import type { DiscoveredService } from './mdns-records';

const FP = 'SHA256:' + 'A'.repeat(43);
const service = (txt: Record<string, string>): DiscoveredService => ({
  key: 'box.x@10.0.0.2',
  fqdn: 'box-aaaa._vigie._tcp.local',
  name: 'box-aaaa',
  type: '_vigie._tcp',
  host: 'a1.local',
  port: 9740,
  address: '10.0.0.2',
  txt,
});

test('advertFromService reads the TXT record and says what is wrong with a broken one', () => {
  const a = advertFromService(service({ id: 'a1', fp: FP, ver: '0.1.0', host: 'box', os: 'linux 6' }));
  assert.deepEqual(a, {
    id: 'a1',
    fingerprint: FP,
    hostname: 'box',
    os: 'linux 6',
    version: '0.1.0',
    scheme: 'http',
    metricsPath: '/metrics',
    address: '10.0.0.2:9740',
    instance: 'box-aaaa',
  });
  assert.match(String(advertFromService(service({ fp: FP }))), /TXT "id" missing/);
  assert.match(
    String(advertFromService(service({ id: 'a1', fp: 'md5:x' }))),
    /TXT "fp" missing or malformed/,
  );
  assert.match(String(advertFromService(service({ id: 'a1', fp: FP, scheme: 'ftp' }))), /scheme/);
  assert.match(String(advertFromService(service({ id: 'a1', fp: FP, path: 'metrics' }))), /path/);
});

const record = (state: AgentRecord['state']): AgentRecord => ({
  id: 'a1b2c3d4-0000',
  state,
  hostname: 'box',
  os: 'linux',
  version: '1',
  address: '10.0.0.2:9740',
  fingerprint: FP,
  publicKey: 'k',
  online: true,
  why: '',
  firstSeen: 0,
  lastSeen: 0,
  conflicts: [],
});

/** FakeDirectory is an AgentDirectory over a list, recording what discovery fed it. */
class FakeDirectory implements AgentDirectory {
  fed: string[] = [];
  private listeners: (() => void)[] = [];
  constructor(public records: AgentRecord[]) {}
  list(): AgentRecord[] {
    return this.records;
  }
  get(id: string): AgentRecord | undefined {
    return this.records.find((r) => r.id === id);
  }
  adopt(): AgentRecord {
    throw new Error('unused');
  }
  reject(): AgentRecord {
    throw new Error('unused');
  }
  remove(): AgentRecord {
    throw new Error('unused');
  }
  observe(key: string, a: AgentAdvert): void {
    this.fed.push(`observe ${key} ${a.id}`);
  }
  forget(key: string, why: string): void {
    this.fed.push(`forget ${key} ${why}`);
  }
  onChange(f: () => void): void {
    this.listeners.push(f);
  }
  change(): void {
    for (const f of this.listeners) f();
  }
}

test('feedAgentEvent passes adverts and goodbyes on, and drops broken adverts with a log line', () => {
  const dir = new FakeDirectory([]);
  const logs: string[] = [];
  feedAgentEvent(dir, { kind: 'up', service: service({ id: 'a1', fp: FP }) }, (m) => logs.push(m));
  feedAgentEvent(dir, { kind: 'up', service: service({ id: 'a1' }) }, (m) => logs.push(m));
  feedAgentEvent(dir, { kind: 'down', why: 'goodbye', service: service({}) }, (m) => logs.push(m));
  assert.deepEqual(dir.fed, ['observe box.x@10.0.0.2 a1', 'forget box.x@10.0.0.2 goodbye']);
  assert.equal(logs.length, 1);
  assert.match(logs[0]!, /TXT "fp" missing/);
});

test('pending and rejected agents become dropped targets with the reason; adopted ones are scraped', async (t) => {
  const dir = new FakeDirectory([
    record('pending'),
    { ...record('adopted'), id: 'b', address: '10.0.0.3:9740' },
    { ...record('rejected'), id: 'c' },
  ]);
  assert.match(agentTarget(dir.records[0]!).__vigie_drop_reason__!, /pending adoption \(fingerprint SHA256:/);
  assert.equal(agentTarget(dir.records[0]!).instance, 'box-a1b2c3d4');
  const storage = new MemoryStorage();
  const scrape = createScrapeManager({
    appender: () => storage.appender(),
    createParser,
    fetcher: {
      fetch: async () => ({ body: 'x 1\n', contentType: 'text/plain; version=0.0.4', bytes: 4 }),
    },
  });
  t.after(() => scrape.stop());
  const job: ScrapeConfig = scrapeConfig('node', { scrape_interval: 60_000, scrape_timeout: 10_000 });
  scrape.applyConfig([job]);
  const ac = new AbortController();
  const sent: TargetGroup[][] = [];
  const done = new AgentDiscoverer(dir).run(ac.signal, (g) => {
    sent.push(g);
    scrape.sync('node', g);
  });
  const { active, dropped } = scrape.targets();
  assert.deepEqual(
    active.map((a) => a.scrapeUrl),
    ['http://10.0.0.3:9740/metrics?vigie_agent=b'],
  );
  assert.deepEqual(
    dropped.map((d) => [
      d.discoveredLabels.__meta_vigie_agent_id,
      d.reason.split(' ')[0] + ' ' + d.reason.split(' ')[1],
    ]),
    [
      ['a1b2c3d4-0000', 'agent pending'],
      ['c', 'agent rejected'],
    ],
  );
  assert.ok(dropped.every((d) => d.discoveredLabels.__vigie_drop_reason__ === undefined && d.job === 'node'));
  dir.records[0]!.state = 'adopted';
  dir.change();
  assert.equal(sent.length, 2);
  assert.equal(scrape.targets().active.length, 2);
  ac.abort();
  await done;
});
