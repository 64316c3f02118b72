import { Hono } from 'hono';
import type { WebDeps } from './api';
import { errorResponse } from './respond';
import { addAgentRoutes } from './routes-agents';
import { addAlertRoutes } from './routes-alerts';
import { addBatchRoutes } from './routes-batch';
import { accessControl, addAuthRoutes } from './auth';
import { addRuleRoutes } from './routes-rules';
import { addSettingsRoutes } from './routes-settings';
import { addDashboardRoutes } from './routes-dashboards';
import { addProbeRoutes } from './routes-probes';
import { addLiveRoutes } from './routes-live';
import { addFormatRoutes } from './routes-format';
import { addMetaRoutes } from './routes-meta';
import { addQueryRoutes } from './routes-query';
import { addStatusRoutes } from './routes-status';
import { addStaticRoutes } from './static';

/**
 * createWebApp builds Vigie's one HTTP app: Prometheus's /api/v1 (so Grafana and PromQL tools work
 * unchanged), Vigie's /api/vigie, the health checks and the renderer's files. It is a web-standard
 * `fetch(Request) → Response` app, served by server.ts on a port or called in-process by Electron.
 */
export function createWebApp(deps: WebDeps): Hono {
  const app = new Hono();
  app.use('*', accessControl(deps.access));
  if (deps.access !== undefined) addAuthRoutes(app, deps.access);
  addQueryRoutes(app, deps);
  addBatchRoutes(app, deps);
  addFormatRoutes(app);
  addMetaRoutes(app, deps);
  addAgentRoutes(app, deps.agents); // before the status routes' /api/* catch-all
  addAlertRoutes(app, deps.alerting);
  addDashboardRoutes(app, deps.documents);
  addProbeRoutes(app, deps.probes);
  addRuleRoutes(app, deps.documents, deps.ruleEditor);
  addSettingsRoutes(app, deps);
  addLiveRoutes(app, deps);
  addStatusRoutes(app, deps);
  addStaticRoutes(app, deps.staticDir);
  app.onError((err) => errorResponse(err));
  return app;
}
