import type { ScrapeConfig } from './api';

/**
 * JOB_DEFAULTS are the values a scrape_configs entry gets for what it leaves out, as in Prometheus (0 = no
 * limit). The loader fills files from them, and code that builds a job itself (the local agent's, tests)
 * starts from them, so a new field gets its default in one place.
 */
export const JOB_DEFAULTS = {
  metrics_path: '/metrics',
  scheme: 'http',
  params: {},
  honor_labels: false,
  honor_timestamps: true,
  sample_limit: 0,
  label_limit: 0,
  label_name_length_limit: 0,
  label_value_length_limit: 0,
  body_size_limit: 0,
} as const satisfies Partial<ScrapeConfig>;

/** scrapeConfig builds a complete job from its name, its timing and any fields that differ from the defaults. */
export function scrapeConfig(
  job_name: string,
  timing: Pick<ScrapeConfig, 'scrape_interval' | 'scrape_timeout'>,
  over: Partial<ScrapeConfig> = {},
): ScrapeConfig {
  return {
    job_name,
    scrape_interval: timing.scrape_interval,
    scrape_timeout: timing.scrape_timeout,
    ...JOB_DEFAULTS,
    params: {},
    static_configs: [],
    file_sd_configs: [],
    ...over,
  };
}
