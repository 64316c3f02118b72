import { z } from 'zod';

/** PANEL_TYPES are the panel kinds the renderer draws. */
export const PANEL_TYPES = ['timeseries', 'stat', 'gauge', 'bargauge', 'table'] as const;
/** UNITS are the value units the renderer formats. */
export const UNITS = ['none', 'percent', 'bytes', 'bytes/s', 'seconds', 'celsius', 'ops/s'] as const;

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour');

/** dashboardSchema checks a dashboard document as the renderer saves and exports it. */
export const dashboardSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    /** range is the default time range in seconds; refresh the auto-refresh period (0: off, -1: live). */
    range: z
      .number()
      .int()
      .min(60)
      .max(90 * 86400)
      .default(3600),
    refresh: z.number().int().min(-1).max(86400).default(-1),
    variables: z
      .array(
        z.object({
          name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a PromQL-style name'),
          /** query is `label_values(label)` or `label_values(selector, label)`, as in Grafana. */
          query: z.string().regex(/^\s*label_values\s*\(.*\)\s*$/, 'must be label_values(...)'),
        }),
      )
      .max(20)
      .default([]),
    panels: z
      .array(
        z.object({
          id: z.string().min(1).max(64),
          type: z.enum(PANEL_TYPES),
          title: z.string().max(200).default(''),
          queries: z
            .array(z.object({ expr: z.string().min(1).max(10_000), legend: z.string().max(200).optional() }))
            .min(1)
            .max(10),
          unit: z.enum(UNITS).default('none'),
          min: z.number().optional(),
          max: z.number().optional(),
          thresholds: z
            .array(z.object({ value: z.number(), color }))
            .max(10)
            .default([]),
          /** w and h size the panel on a 12-column grid. */
          w: z.number().int().min(1).max(12).default(6),
          h: z.number().int().min(1).max(12).default(4),
        }),
      )
      .max(100),
  })
  .strict();

/** Dashboard is a validated dashboard document. */
export type Dashboard = z.infer<typeof dashboardSchema>;

/** DASHBOARD_ID is the form of a dashboard's id (it appears in URLs). */
export const DASHBOARD_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * parseDashboard validates a document and returns it with defaults filled in, or throws an Error naming
 * every bad field by its path (`panels[2].queries[0].expr: …`).
 */
export function parseDashboard(input: unknown): Dashboard {
  const r = dashboardSchema.safeParse(input);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const path = i.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    return `${path || '(document)'}: ${i.message}`;
  });
  throw new Error(`invalid dashboard: ${lines.join('; ')}`);
}
