import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from './config/load';
import { scrapeConfig, type VigieConfig } from './config/api';
import type { Discoverer, TargetGroup } from './discovery/api';
import { ScrapeJobs } from './scrape-jobs';

/** FakeScrape records what the wiring asks of the scrape manager, keeping the groups per job and source. */
class FakeScrape {
  jobs: string[] = [];
  groups = new Map<string, Map<string, TargetGroup>>();
  syncs = 0;
  applyConfig(configs: readonly { job_name: string }[]): void {
    this.jobs = configs.map((c) => c.job_name);
  }
  sync(job: string, groups: readonly TargetGroup[]): void {
    this.syncs++;
    const m = this.groups.get(job) ?? new Map<string, TargetGroup>();
    this.groups.set(job, m);
    for (const g of groups)
      if (g.targets.length === 0) m.delete(g.source);
      else m.set(g.source, g);
  }
  addresses(job: string): string[] {
    return [...(this.groups.get(job)?.values() ?? [])]
      .flatMap((g) => g.targets.map((t) => t.__address__!))
      .sort();
  }
}

function withJobs(jobs: Record<string, string[][]>): VigieConfig {
  const c = defaultConfig();
  c.scrape_configs = Object.entries(jobs).map(([name, entries]) =>
    scrapeConfig(name, c.global, { static_configs: entries.map((targets) => ({ targets, labels: {} })) }),
  );
  return c;
}

const log = (): void => undefined;

test('ScrapeJobs restarts only the jobs whose targets changed and retires the sources that went away', () => {
  const scrape = new FakeScrape();
  const jobs = new ScrapeJobs({ scrape, log });
  jobs.apply(withJobs({ a: [['h1:9100'], ['h2:9100']], b: [['h3:9100']] }));
  assert.deepEqual(scrape.jobs, ['a', 'b']);
  assert.deepEqual(scrape.addresses('a'), ['h1:9100', 'h2:9100']);
  const before = scrape.syncs;

  // a loses its second entry; b is the same and is not sent again.
  jobs.apply(withJobs({ a: [['h1:9100']], b: [['h3:9100']] }));
  assert.equal(
    scrape.syncs - before,
    2,
    'one send from a new static discoverer, one retiring its old source',
  );
  assert.deepEqual(scrape.addresses('a'), ['h1:9100']);
  assert.deepEqual(scrape.addresses('b'), ['h3:9100']);

  // A removed job's targets go at once.
  jobs.apply(withJobs({ a: [['h1:9100']] }));
  assert.deepEqual(scrape.jobs, ['a']);
  assert.deepEqual(scrape.addresses('b'), []);
  jobs.stop();
});

test('ScrapeJobs keeps the built-in job names from start and refuses a reloaded job that takes one', () => {
  const scrape = new FakeScrape();
  const agents: Discoverer = {
    run: (signal, send) => {
      send([{ source: 'agent:1', targets: [{ __address__: '10.0.0.9:9100' }], labels: {} }]);
      return new Promise((r) => signal.addEventListener('abort', () => r()));
    },
  };
  const jobs = new ScrapeJobs({ scrape, log, localAgentAddress: '127.0.0.1:4000', agentDiscoverer: agents });
  jobs.apply(withJobs({ lab: [['h1:9100']] }));
  assert.deepEqual(scrape.jobs, ['lab', 'node']);
  assert.deepEqual(scrape.addresses('node'), ['10.0.0.9:9100', '127.0.0.1:4000']);

  assert.throws(
    () => jobs.apply(withJobs({ node: [['h2:9100']] })),
    /job_name "node" is taken by a built-in job/,
  );
  assert.deepEqual(scrape.jobs, ['lab', 'node'], 'a refused reload changes nothing');

  // With a user job "node" at start, the built-in job steps aside as node-local.
  const other = new ScrapeJobs({ scrape: new FakeScrape(), log, localAgentAddress: '127.0.0.1:4000' });
  assert.deepEqual(
    other.jobs(withJobs({ node: [['h2:9100']] })).map((j) => j.job_name),
    ['node', 'node-local'],
  );
  jobs.stop();
  other.stop();
});

test("ScrapeJobs retires a changed job's old targets once its new file_sd discoverer has answered", async () => {
  const scrape = new FakeScrape();
  const jobs = new ScrapeJobs({ scrape, log, settleMs: 60_000 });
  jobs.apply(withJobs({ a: [['h1:9100']] }));
  const next = withJobs({});
  next.scrape_configs = [
    scrapeConfig('a', next.global, {
      file_sd_configs: [{ files: ['/nonexistent/vigie-test/*.json'], refresh_interval: 3600_000 }],
    }),
  ];
  jobs.apply(next);
  // The files match nothing: once file_sd says so, the static target goes (long before settleMs).
  for (let i = 0; i < 200 && scrape.addresses('a').length > 0; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(scrape.addresses('a'), []);
  jobs.stop();
});
