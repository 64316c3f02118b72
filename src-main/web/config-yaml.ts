import { stringify } from 'yaml';
import { formatDuration, formatSize, type VigieConfig } from '../config/api';

/**
 * configYaml renders the running configuration as YAML for /api/v1/status/config, with durations and sizes
 * written back in Prometheus's units (`10s`, `10MB`) so it reads like the file a user would write.
 */
export function configYaml(c: VigieConfig): string {
  const d = formatDuration;
  const doc = {
    global: {
      scrape_interval: d(c.global.scrape_interval),
      scrape_timeout: d(c.global.scrape_timeout),
      evaluation_interval: d(c.global.evaluation_interval),
      ...(Object.keys(c.global.external_labels).length > 0
        ? { external_labels: { ...c.global.external_labels } }
        : {}),
    },
    ...(c.rule_files.length > 0 ? { rule_files: [...c.rule_files] } : {}),
    scrape_configs: c.scrape_configs.map((s) => ({
      job_name: s.job_name,
      scrape_interval: d(s.scrape_interval),
      scrape_timeout: d(s.scrape_timeout),
      metrics_path: s.metrics_path,
      scheme: s.scheme,
      ...(Object.keys(s.params).length > 0 ? { params: s.params } : {}),
      honor_labels: s.honor_labels,
      honor_timestamps: s.honor_timestamps,
      sample_limit: s.sample_limit,
      label_limit: s.label_limit,
      label_name_length_limit: s.label_name_length_limit,
      label_value_length_limit: s.label_value_length_limit,
      body_size_limit: formatSize(s.body_size_limit),
      ...(s.static_configs.length > 0
        ? {
            static_configs: s.static_configs.map((st) => ({
              targets: [...st.targets],
              ...(Object.keys(st.labels).length > 0 ? { labels: { ...st.labels } } : {}),
            })),
          }
        : {}),
      ...(s.file_sd_configs.length > 0
        ? {
            file_sd_configs: s.file_sd_configs.map((f) => ({
              files: [...f.files],
              refresh_interval: d(f.refresh_interval),
            })),
          }
        : {}),
    })),
    storage: {
      ...(c.storage.path !== undefined ? { path: c.storage.path } : {}),
      retention: d(c.storage.retention),
      flush_interval: d(c.storage.flush_interval),
    },
    discovery: { mdns: { enabled: c.discovery.mdns.enabled, interfaces: [...c.discovery.mdns.interfaces] } },
    web: { listen: c.web.listen },
    query: {
      timeout: d(c.query.timeout),
      max_samples: c.query.max_samples,
      lookback_delta: d(c.query.lookback_delta),
      max_series: c.query.max_series,
    },
    local_agent: { enabled: c.local_agent.enabled },
  };
  return stringify(doc, { lineWidth: 0 });
}
