import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { Labels } from '../common/labels';
import { matchesAll } from '../common/matcher';
import type { VigieConfig } from '../config/api';
import { defaultConfig } from '../config/load';
import {
  QueryError,
  type Engine,
  type InstantSample,
  type QueryOptions,
  type QueryResult,
} from '../promql/api';
import type { DroppedTarget, TargetStatus } from '../scrape/api';
import { MemoryStorage } from '../storage/memory/memory-storage';
import type { Querier } from '../storage/api';
import type { WebDeps } from './api';
import { createWebApp } from './app';
import { parseSelector } from './selector';

const T0 = Date.UTC(2024, 0, 1); // ms
const NOW = T0 + 10 * 60_000;

/**
 * FakeEngine answers the small PromQL subset these tests need, over the real Querier: a number literal is a
 * scalar, a plain selector is an instant vector (last sample within 5m), `slow` waits until aborted, and
 * anything else is a parse error. It records the options it was given.
 */
class FakeEngine implements Engine {
  lastOpts: QueryOptions | undefined;
  constructor(private readonly q: Querier) {}

  async instantQuery(expr: string, t: number, opts?: QueryOptions): Promise<QueryResult> {
    this.lastOpts = opts;
    if (expr === 'slow') return this.waitForAbort(opts);
    if (expr === 'boom')
      throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
    if (expr === 'huge')
      throw new QueryError('too_many_samples', 'query processing would load too many samples');
    if (/^-?\d+(\.\d+)?$/.test(expr))
      return { value: { type: 'scalar', t, v: Number(expr) }, warnings: [], infos: [] };
    return { value: { type: 'vector', samples: await this.vector(expr, t) }, warnings: ['w1'], infos: [] };
  }

  async rangeQuery(
    expr: string,
    start: number,
    end: number,
    step: number,
    opts?: QueryOptions,
  ): Promise<QueryResult> {
    this.lastOpts = opts;
    const series = new Map<string, { labels: Labels; t: number[]; v: number[] }>();
    for (let t = start; t <= end; t += step) {
      for (const s of await this.vector(expr, t)) {
        const key = JSON.stringify(s.labels);
        const e = series.get(key) ?? { labels: s.labels, t: [], v: [] };
        e.t.push(t);
        e.v.push(s.v);
        series.set(key, e);
      }
    }
    return { value: { type: 'matrix', series: [...series.values()] }, warnings: [], infos: ['i1'] };
  }

  private async vector(expr: string, t: number): Promise<InstantSample[]> {
    let matchers;
    try {
      matchers = parseSelector(expr);
    } catch (e) {
      throw new QueryError('bad_data', (e as Error).message);
    }
    const data = await this.q.select(matchers, t - 300_000, t);
    return data
      .filter((s) => s.t.length > 0 && matchesAll(matchers, s.labels))
      .map((s) => ({ labels: s.labels, t, v: s.v[s.v.length - 1]! }));
  }

  private waitForAbort(opts?: QueryOptions): Promise<never> {
    return new Promise((_, reject) => {
      const signal = opts?.signal;
      if (signal === undefined) return reject(new Error('no signal'));
      const fail = (): void =>
        reject(new QueryError('canceled', 'query was canceled in expression evaluation'));
      if (signal.aborted) fail();
      else signal.addEventListener('abort', fail, { once: true });
    });
  }
}

const active: TargetStatus[] = [
  {
    job: 'node',
    scrapeUrl: 'http://localhost:9100/metrics',
    discoveredLabels: { __address__: 'localhost:9100', job: 'node' },
    labels: { instance: 'localhost:9100', job: 'node' },
    health: 'up',
    lastError: '',
    lastScrape: Date.UTC(2024, 0, 1, 0, 9, 59, 500),
    lastScrapeDuration: 0.0123,
    scrapeInterval: 15_000,
    scrapeTimeout: 10_000,
  },
  {
    job: 'web',
    scrapeUrl: 'http://10.0.0.5:8080/metrics',
    discoveredLabels: { __address__: '10.0.0.5:8080' },
    labels: { instance: '10.0.0.5:8080', job: 'web' },
    health: 'unknown',
    lastError: '',
    lastScrape: 0,
    lastScrapeDuration: 0,
    scrapeInterval: 60_000,
    scrapeTimeout: 10_000,
  },
];
const dropped: DroppedTarget[] = [
  { job: 'agents', discoveredLabels: { __address__: 'pc1:9742' }, reason: 'pending adoption' },
];

async function setup(overrides: Partial<WebDeps> = {}) {
  const storage = new MemoryStorage();
  const app = storage.appender();
  for (let i = 0; i <= 10; i++) {
    const t = T0 + i * 60_000;
    app.append(0, { __name__: 'up', job: 'node', instance: 'a:9100' }, t, 1);
    app.append(0, { __name__: 'up', job: 'web', instance: 'b:8080' }, t, i < 5 ? 1 : 0);
    app.append(0, { __name__: 'temp_celsius', job: 'node', instance: 'a:9100' }, t, 21.5 + i / 10);
  }
  app.append(0, { __name__: 'old_metric', job: 'node' }, T0 - 86_400_000, 7);
  app.setMetadata('up', { type: 'gauge', help: 'Whether the target is up.', unit: '' });
  app.setMetadata('temp_celsius', { type: 'gauge', help: 'Temperature.', unit: 'celsius' });
  await app.commit();
  const querier = storage.querier();
  const engine = new FakeEngine(querier);
  const config: VigieConfig = defaultConfig();
  const deps: WebDeps = {
    querier,
    engine,
    scrape: { targets: () => ({ active, dropped }) },
    storageStats: () => storage.stats(),
    buildInfo: {
      version: '0.1.0',
      revision: 'abc123',
      branch: 'main',
      buildUser: 'ci',
      buildDate: '20240101-00:00:00',
      runtimeVersion: 'node v20',
    },
    config: () => config,
    now: () => NOW,
    ...overrides,
  };
  const web = createWebApp(deps);
  const get = async (path: string, init?: RequestInit) => {
    const res = await web.fetch(new Request(`http://vigie.test${path}`, init));
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
    return { status: res.status, body: body as Record<string, unknown>, headers: res.headers };
  };
  return { get, engine, config };
}

const q = encodeURIComponent;

test('instant query returns a vector in Prometheus shape, at the given or current time', async () => {
  const { get } = await setup();
  const at = (T0 + 5 * 60_000) / 1000;
  const r = await get(`/api/v1/query?query=${q('up{job="web"}')}&time=${at}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, {
    status: 'success',
    data: {
      resultType: 'vector',
      result: [{ metric: { __name__: 'up', instance: 'b:8080', job: 'web' }, value: [at, '0'] }],
    },
    warnings: ['w1'],
  });
  const now = await get(`/api/v1/query?query=temp_celsius`);
  assert.deepEqual((now.body.data as { result: unknown[] }).result, [
    { metric: { __name__: 'temp_celsius', instance: 'a:9100', job: 'node' }, value: [NOW / 1000, '22.5'] },
  ]);
  const rfc = await get(`/api/v1/query?query=42&time=2024-01-01T00:00:00.5Z`);
  assert.deepEqual(rfc.body, {
    status: 'success',
    data: { resultType: 'scalar', result: [T0 / 1000 + 0.5, '42'] },
  });
});

test('POST form bodies are accepted', async () => {
  const { get } = await setup();
  const r = await get('/api/v1/query', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `query=${q('up')}&time=${NOW / 1000}&limit=1`,
  });
  assert.equal(r.status, 200);
  const data = r.body.data as { result: unknown[] };
  assert.equal(data.result.length, 1);
  assert.deepEqual(r.body.warnings, ['w1', 'results truncated due to limit']);
});

test('query errors carry Prometheus error types and HTTP codes', async () => {
  const { get } = await setup();
  const parse = await get(`/api/v1/query?query=${q('up{')}`);
  assert.equal(parse.status, 400);
  assert.deepEqual(parse.body, {
    status: 'error',
    errorType: 'bad_data',
    error: 'invalid parameter "query": 1:4: parse error: unexpected end of input inside braces',
  });
  const badTime = await get(`/api/v1/query?query=up&time=yesterday`);
  assert.equal(badTime.status, 400);
  assert.equal(badTime.body.error, 'invalid parameter "time": cannot parse "yesterday" to a valid timestamp');
  const badTimeout = await get(`/api/v1/query?query=up&timeout=fast`);
  assert.equal(badTimeout.body.error, 'invalid parameter "timeout": cannot parse "fast" to a valid duration');
  const exec = await get(`/api/v1/query?query=boom`);
  assert.deepEqual([exec.status, exec.body.errorType], [422, 'execution']);
  const huge = await get(`/api/v1/query?query=huge`);
  assert.deepEqual([huge.status, huge.body.errorType], [422, 'execution']);
});

test('the timeout parameter is capped by the configured query timeout', async () => {
  const { get, engine } = await setup();
  await get(`/api/v1/query?query=1&timeout=30s`);
  assert.equal(engine.lastOpts?.timeoutMs, 30_000);
  await get(`/api/v1/query?query=1&timeout=1h`);
  assert.equal(engine.lastOpts?.timeoutMs, 120_000);
  await get(`/api/v1/query?query=1`);
  assert.equal(engine.lastOpts?.timeoutMs, 120_000);
});

test('a query aborted by its client is reported as canceled (503)', async () => {
  const { get } = await setup();
  const ctl = new AbortController();
  const pending = get('/api/v1/query?query=slow', { signal: ctl.signal });
  ctl.abort();
  const r = await pending;
  assert.deepEqual([r.status, r.body.errorType], [503, 'canceled']);
});

test('range query returns a matrix and enforces Prometheus limits', async () => {
  const { get } = await setup();
  const start = T0 / 1000;
  const r = await get(
    `/api/v1/query_range?query=${q('up{job="web"}')}&start=${start}&end=${start + 240}&step=2m`,
  );
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, {
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'up', instance: 'b:8080', job: 'web' },
          values: [
            [start, '1'],
            [start + 120, '1'],
            [start + 240, '1'],
          ],
        },
      ],
    },
    infos: ['i1'],
  });
  const cases: [string, string][] = [
    [`start=${start}&end=${start + 60}`, 'invalid parameter "step": cannot parse "" to a valid duration'],
    [`end=${start}&step=15`, 'invalid parameter "start": cannot parse "" to a valid timestamp'],
    [
      `start=${start}&end=${start - 1}&step=15`,
      'invalid parameter "end": end timestamp must not be before start time',
    ],
    [
      `start=${start}&end=${start + 60}&step=0`,
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
    [
      `start=${start}&end=${start + 11_001}&step=1`,
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    ],
  ];
  for (const [qs, error] of cases) {
    const e = await get(`/api/v1/query_range?query=up&${qs}`);
    assert.deepEqual([e.status, e.body], [400, { status: 'error', errorType: 'bad_data', error }], qs);
  }
  const ok = await get(`/api/v1/query_range?query=up&start=${start}&end=${start + 11_000}&step=1s`);
  assert.equal(ok.status, 200);
});

test('series lists matching label sets over all time by default', async () => {
  const { get } = await setup();
  const r = await get(`/api/v1/series?match[]=${q('up')}&match[]=${q('{__name__=~"old.*"}')}`);
  assert.deepEqual(r.body, {
    status: 'success',
    data: [
      { __name__: 'old_metric', job: 'node' },
      { __name__: 'up', instance: 'a:9100', job: 'node' },
      { __name__: 'up', instance: 'b:8080', job: 'web' },
    ],
  });
  const recent = await get(`/api/v1/series?match[]=${q('{job="node"}')}&start=${T0 / 1000}`);
  assert.equal((recent.body.data as unknown[]).length, 2);
  const limited = await get(`/api/v1/series?match[]=up&limit=1`);
  assert.deepEqual(limited.body.data, [{ __name__: 'up', instance: 'a:9100', job: 'node' }]);
  assert.deepEqual(limited.body.warnings, ['results truncated due to limit']);
  const exact = await get(`/api/v1/series?match[]=up&limit=2`);
  assert.equal(exact.body.warnings, undefined);
  const none = await get('/api/v1/series');
  assert.deepEqual([none.status, none.body.error], [400, 'no match[] parameter provided']);
  const bad = await get(`/api/v1/series?match[]=${q('up{job=}')}`);
  assert.deepEqual([bad.status, bad.body.errorType], [400, 'bad_data']);
  assert.match(bad.body.error as string, /^1:8: parse error: /);
  const empty = await get(`/api/v1/series?match[]=${q('{job=""}')}`);
  assert.match(empty.body.error as string, /at least one non-empty matcher/);
});

test('labels and label values', async () => {
  const { get } = await setup();
  const names = await get('/api/v1/labels');
  assert.deepEqual(names.body, { status: 'success', data: ['__name__', 'instance', 'job'] });
  const filtered = await get(`/api/v1/labels?match[]=old_metric`);
  assert.deepEqual(filtered.body.data, ['__name__', 'job']);
  const values = await get('/api/v1/label/__name__/values');
  assert.deepEqual(values.body.data, ['old_metric', 'temp_celsius', 'up']);
  const jobs = await get(`/api/v1/label/instance/values?match[]=up&limit=1`);
  assert.deepEqual([jobs.body.data, jobs.body.warnings], [['a:9100'], ['results truncated due to limit']]);
  const window = await get(`/api/v1/label/__name__/values?end=${(T0 - 1000) / 1000}`);
  assert.deepEqual(window.body.data, ['old_metric']);
  const bad = await get('/api/v1/label/bad-name/values');
  assert.deepEqual([bad.status, bad.body.error], [400, 'invalid label name: "bad-name"']);
});

test('metadata lists metric families', async () => {
  const { get } = await setup();
  const all = await get('/api/v1/metadata');
  assert.deepEqual(all.body.data, {
    temp_celsius: [{ type: 'gauge', help: 'Temperature.', unit: 'celsius' }],
    up: [{ type: 'gauge', help: 'Whether the target is up.', unit: '' }],
  });
  const one = await get('/api/v1/metadata?metric=up');
  assert.deepEqual(Object.keys(one.body.data as object), ['up']);
  const limited = await get('/api/v1/metadata?limit=1');
  assert.equal(Object.keys(limited.body.data as object).length, 1);
  const bad = await get('/api/v1/metadata?limit=x');
  assert.equal(bad.status, 400);
});

test('targets are reported with Prometheus fields and filtered by state', async () => {
  const { get } = await setup();
  const r = await get('/api/v1/targets');
  const data = r.body.data as {
    activeTargets: Record<string, unknown>[];
    droppedTargets: unknown[];
    droppedTargetCounts: unknown;
  };
  assert.equal(data.activeTargets.length, 2);
  const [node, web] = data.activeTargets;
  assert.deepEqual(
    { ...node, globalUrl: undefined },
    {
      discoveredLabels: { __address__: 'localhost:9100', job: 'node' },
      labels: { instance: 'localhost:9100', job: 'node' },
      scrapePool: 'node',
      scrapeUrl: 'http://localhost:9100/metrics',
      globalUrl: undefined,
      lastError: '',
      lastScrape: '2024-01-01T00:09:59.500Z',
      lastScrapeDuration: 0.0123,
      health: 'up',
      scrapeInterval: '15s',
      scrapeTimeout: '10s',
    },
  );
  assert.match(node!.globalUrl as string, /^http:\/\/[^/]+:9100\/metrics$/);
  assert.equal(web!.globalUrl, 'http://10.0.0.5:8080/metrics');
  assert.equal(web!.lastScrape, '0001-01-01T00:00:00Z');
  assert.equal(web!.scrapeInterval, '1m');
  assert.deepEqual(data.droppedTargets, [
    { discoveredLabels: { __address__: 'pc1:9742' }, scrapePool: 'agents', reason: 'pending adoption' },
  ]);
  assert.deepEqual(data.droppedTargetCounts, { agents: 1 });
  const activeOnly = (await get('/api/v1/targets?state=active')).body.data as typeof data;
  assert.deepEqual([activeOnly.activeTargets.length, activeOnly.droppedTargets.length], [2, 0]);
  const droppedOnly = (await get('/api/v1/targets?state=dropped')).body.data as typeof data;
  assert.deepEqual([droppedOnly.activeTargets.length, droppedOnly.droppedTargets.length], [0, 1]);
  const pool = (await get('/api/v1/targets?scrapePool=web')).body.data as typeof data;
  assert.deepEqual(
    pool.activeTargets.map((t) => t.scrapePool),
    ['web'],
  );
  assert.equal((await get('/api/v1/targets?state=sideways')).status, 400);
});

test('status endpoints', async () => {
  const { get, config } = await setup();
  const build = await get('/api/v1/status/buildinfo');
  assert.deepEqual(build.body.data, {
    version: '0.1.0',
    revision: 'abc123',
    branch: 'main',
    buildUser: 'ci',
    buildDate: '20240101-00:00:00',
    goVersion: 'node v20',
  });
  const cfg = await get('/api/v1/status/config');
  const yaml = parse((cfg.body.data as { yaml: string }).yaml) as Record<string, Record<string, unknown>>;
  assert.deepEqual(yaml.global, {
    scrape_interval: '10s',
    scrape_timeout: '10s',
    evaluation_interval: '10s',
  });
  assert.deepEqual(yaml.web, { listen: config.web.listen });
  assert.equal(yaml.storage!.retention, '30d');
  assert.deepEqual((await get('/api/v1/status/flags')).body, { status: 'success', data: {} });
  const rt = (await get('/api/v1/status/runtimeinfo')).body.data as Record<string, unknown>;
  assert.equal(rt.storageRetention, '30d');
  assert.equal(rt.CWD, process.cwd());
  const tsdb = (await get('/api/v1/status/tsdb')).body.data as { headStats: Record<string, number> };
  assert.equal(tsdb.headStats.numSeries, 4);
  assert.equal(tsdb.headStats.minTime, T0 - 86_400_000);
  const storage = await get('/api/vigie/status/storage');
  assert.deepEqual(storage.body.data, {
    series: 4,
    samples: 34,
    bytesOnDisk: 0,
    headSeries: 4,
    oldestSampleTime: T0 - 86_400_000,
  });
});

test('status/config renders a configured file back in Prometheus units', async () => {
  const { parseConfig } = await import('../config/load');
  const config = parseConfig(
    'scrape_configs:\n  - job_name: n\n    scrape_interval: 90s\n    body_size_limit: 10MB\n    static_configs: [{targets: ["a:1"], labels: {x: y}}]\n',
    '/etc/vigie.yml',
  );
  const { get } = await setup({ config: () => config });
  const yaml = parse(((await get('/api/v1/status/config')).body.data as { yaml: string }).yaml) as {
    scrape_configs: Record<string, unknown>[];
  };
  const job = yaml.scrape_configs[0]!;
  assert.equal(job.scrape_interval, '1m30s');
  assert.equal(job.body_size_limit, '10MB');
  assert.deepEqual(job.static_configs, [{ targets: ['a:1'], labels: { x: 'y' } }]);
});

test('health, readiness and unknown endpoints', async () => {
  const { get } = await setup();
  const healthy = await get('/-/healthy');
  assert.deepEqual([healthy.status, healthy.body], [200, 'Vigie is Healthy.\n']);
  assert.equal((await get('/-/ready')).status, 200);
  let ready = false;
  const starting = await setup({ ready: () => ready });
  assert.equal((await starting.get('/-/ready')).status, 503);
  ready = true;
  assert.equal((await starting.get('/-/ready')).status, 200);
  const unknown = await get('/api/v1/nothing');
  assert.deepEqual([unknown.status, unknown.body.errorType], [404, 'not_found']);
  const exemplars = await get('/api/v1/query_exemplars?query=up');
  assert.deepEqual(exemplars.body, { status: 'success', data: [] });
});

test('an unexpected failure is an internal error, not a crash', async () => {
  const { get } = await setup({
    storageStats: async () => {
      throw new Error('disk on fire');
    },
  });
  const r = await get('/api/vigie/status/storage');
  assert.deepEqual(
    [r.status, r.body],
    [500, { status: 'error', errorType: 'internal', error: 'disk on fire' }],
  );
});
