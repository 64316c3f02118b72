import type { Hono } from 'hono';
import { availableParallelism, hostname } from 'node:os';
import { formatDuration } from '../config/api';
import type { DroppedTarget, TargetStatus } from '../scrape/api';
import type { WebDeps } from './api';
import { configYaml } from './config-yaml';
import { badData } from './errors';
import { labelsObject, rfc3339 } from './format';
import { api, json } from './respond';

/** globalUrl is the scrape URL as seen from elsewhere: loopback hosts replaced by this machine's name. */
export function globalUrl(scrapeUrl: string, host = hostname()): string {
  try {
    const u = new URL(scrapeUrl);
    if (u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]') {
      u.hostname = host;
      return u.toString();
    }
  } catch {
    // Not a URL: report it unchanged.
  }
  return scrapeUrl;
}

function activeTarget(t: TargetStatus): Record<string, unknown> {
  return {
    discoveredLabels: labelsObject(t.discoveredLabels),
    labels: labelsObject(t.labels),
    scrapePool: t.job,
    scrapeUrl: t.scrapeUrl,
    globalUrl: globalUrl(t.scrapeUrl),
    lastError: t.lastError,
    lastScrape: rfc3339(t.lastScrape),
    lastScrapeDuration: t.lastScrapeDuration,
    health: t.health,
    scrapeInterval: formatDuration(t.scrapeInterval),
    scrapeTimeout: formatDuration(t.scrapeTimeout),
  };
}

function droppedTarget(t: DroppedTarget): Record<string, unknown> {
  // `reason` is Vigie's addition (e.g. an agent pending adoption); Prometheus clients ignore it.
  return { discoveredLabels: labelsObject(t.discoveredLabels), scrapePool: t.job, reason: t.reason };
}

/** addStatusRoutes serves targets, the status pages, Vigie's storage status and the health checks. */
export function addStatusRoutes(app: Hono, deps: WebDeps): void {
  const startTime = deps.startTime ?? Date.now();

  app.get(
    '/api/v1/targets',
    api(async (params) => {
      const state = params.get('state') || 'any';
      if (!['active', 'dropped', 'any'].includes(state))
        throw badData(`invalid parameter "state": must be one of active, dropped, any`);
      const pool = params.get('scrapePool');
      const { active, dropped } = deps.scrape.targets();
      const inPool = (job: string): boolean => pool === '' || job === pool;
      const counts: Record<string, number> = {};
      for (const t of dropped) counts[t.job] = (counts[t.job] ?? 0) + 1;
      return {
        data: {
          activeTargets: state === 'dropped' ? [] : active.filter((t) => inPool(t.job)).map(activeTarget),
          droppedTargets: state === 'active' ? [] : dropped.filter((t) => inPool(t.job)).map(droppedTarget),
          droppedTargetCounts: counts,
        },
      };
    }),
  );

  app.get(
    '/api/v1/status/buildinfo',
    api(async () => {
      const b = deps.buildInfo;
      return {
        data: {
          version: b.version,
          revision: b.revision,
          branch: b.branch,
          buildUser: b.buildUser,
          buildDate: b.buildDate,
          goVersion: b.runtimeVersion,
        },
      };
    }),
  );

  app.get(
    '/api/v1/status/config',
    api(async () => ({ data: { yaml: configYaml(deps.config()) } })),
  );

  app.get(
    '/api/v1/status/flags',
    api(async () => ({ data: {} })),
  );

  app.get(
    '/api/v1/status/runtimeinfo',
    api(async () => ({
      data: {
        startTime: new Date(startTime).toISOString(),
        CWD: process.cwd(),
        reloadConfigSuccess: deps.reloadStatus?.().success ?? true,
        lastConfigTime: new Date(deps.reloadStatus?.().time ?? startTime).toISOString(),
        corruptionCount: 0,
        goroutineCount: 0,
        GOMAXPROCS: availableParallelism(),
        GOMEMLIMIT: 0,
        GOGC: '',
        GODEBUG: '',
        storageRetention: formatDuration(deps.config().storage.retention),
      },
    })),
  );

  app.get(
    '/api/v1/status/tsdb',
    api(async () => {
      const s = await deps.storageStats();
      return {
        data: {
          headStats: {
            numSeries: s.headSeries,
            numLabelPairs: 0,
            chunkCount: 0,
            minTime: s.oldestSampleTime ?? 0,
            maxTime: (deps.now ?? Date.now)(),
          },
          seriesCountByMetricName: [],
          labelValueCountByLabelName: [],
          memoryInBytesByLabelName: [],
          seriesCountByLabelValuePair: [],
        },
      };
    }),
  );

  app.get(
    '/api/vigie/status/storage',
    // StorageStats as is (times in ms), so the renderer reads it with the same type.
    api(async () => ({ data: await deps.storageStats() })),
  );

  const text = (body: string, status = 200): Response =>
    new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  app.on(['GET', 'HEAD'], '/-/healthy', () => text('Vigie is Healthy.\n'));
  app.on(['GET', 'HEAD'], '/-/ready', () =>
    (deps.ready?.() ?? true) ? text('Vigie is Ready.\n') : text('Service Unavailable\n', 503),
  );
  // As Prometheus's lifecycle API: a refused reload answers 500 with the reason, the old config running.
  app.on(['POST', 'PUT'], '/-/reload', async () => {
    if (deps.reload === undefined) return text('Lifecycle API is not enabled.\n', 403);
    try {
      await deps.reload();
      return text('');
    } catch (e) {
      return text(`failed to reload config: ${(e as Error).message}\n`, 500);
    }
  });
  app.all('/api/*', (c) =>
    json({ status: 'error', errorType: 'not_found', error: `unknown endpoint ${c.req.path}` }, 404),
  );
}
