// dashboard.ts: the 20 panels of a node-exporter-style fleet dashboard, the query set the benchmark times.

/** Panel is one dashboard panel: a title and its PromQL, run as a range query over the whole history. */
export interface Panel {
  title: string;
  query: string;
}

/** DASHBOARD is CPU, memory, disk, network and latency panels, with topk and histogram_quantile among them. */
export const DASHBOARD: readonly Panel[] = [
  { title: 'CPU busy by host', query: 'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))' },
  {
    title: 'CPU utilisation',
    query: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))',
  },
  { title: 'CPU by mode', query: 'sum by (mode) (rate(node_cpu_seconds_total[5m]))' },
  { title: 'Load 1m', query: 'node_load1' },
  { title: 'Memory available', query: 'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes' },
  { title: 'Memory used', query: 'node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes' },
  {
    title: 'Page cache',
    query: 'sum by (instance) (node_memory_Cached_bytes + node_memory_Buffers_bytes)',
  },
  { title: 'Filesystem used', query: '1 - node_filesystem_avail_bytes / node_filesystem_size_bytes' },
  { title: 'Disk read', query: 'sum by (instance) (rate(node_disk_read_bytes_total[5m]))' },
  { title: 'Disk written', query: 'sum by (instance) (rate(node_disk_written_bytes_total[5m]))' },
  { title: 'Disk busy', query: 'rate(node_disk_io_time_seconds_total[5m])' },
  {
    title: 'Network in',
    query: 'sum by (instance) (rate(node_network_receive_bytes_total{device!="lo"}[5m]))',
  },
  {
    title: 'Network out',
    query: 'sum by (instance) (rate(node_network_transmit_bytes_total{device!="lo"}[5m]))',
  },
  {
    title: 'Top 5 receivers',
    query: 'topk(5, sum by (instance) (rate(node_network_receive_bytes_total[5m])))',
  },
  { title: 'Top 10 context switches', query: 'topk(10, rate(node_context_switches_total[5m]))' },
  {
    title: 'Latency p99',
    query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  },
  {
    title: 'Latency p90 by host',
    query: 'histogram_quantile(0.9, sum by (instance, le) (rate(http_request_duration_seconds_bucket[5m])))',
  },
  {
    title: 'Request rate by handler',
    query: 'sum by (handler) (rate(http_request_duration_seconds_count[5m]))',
  },
  { title: 'Hottest sensor', query: 'max by (instance) (node_hwmon_temp_celsius)' },
  {
    title: 'Network errors',
    query:
      'sum by (instance) (rate(node_network_receive_errs_total[5m]) + rate(node_network_transmit_errs_total[5m]))',
  },
];
