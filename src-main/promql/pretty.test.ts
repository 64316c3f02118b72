import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExpr } from './parse';
import { prettyExpr } from './pretty';

/** CASES were answered by Prometheus 2.42's /api/v1/format_query (Debian's package), which uses Pretty(0). */
const CASES: [string, string][] = [
  [
    'sum by (instance) (rate(node_network_receive_bytes_total{device!="lo"}[5m]) + rate(node_network_transmit_bytes_total{device!="lo"}[5m]))',
    'sum by (instance) (\n    rate(node_network_receive_bytes_total{device!="lo"}[5m])\n  +\n    rate(node_network_transmit_bytes_total{device!="lo"}[5m])\n)',
  ],
  [
    'histogram_quantile(0.9, sum by (instance, le) (rate(http_request_duration_seconds_bucket{job="api", handler="/very/long/handler/path"}[5m])))',
    'histogram_quantile(\n  0.9,\n  sum by (instance, le) (\n    rate(http_request_duration_seconds_bucket{handler="/very/long/handler/path",job="api"}[5m])\n  )\n)',
  ],
  [
    '-(sum(rate(foooooooooooooooooooooooooooooooooooo_total[5m])) / sum(rate(barrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr_total[5m])))',
    '-(\n    sum(rate(foooooooooooooooooooooooooooooooooooo_total[5m]))\n  /\n    sum(rate(barrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr_total[5m]))\n)',
  ],
  [
    'max_over_time((sum by (job) (rate(foooooooooooooooooooooooooooooooooooooooooooooooooo_total{a="b"}[5m])))[1h:1m]) > bool 3',
    '  max_over_time(\n(sum by (job) (rate(foooooooooooooooooooooooooooooooooooooooooooooooooo_total{a="b"}[5m])))[1h:1m]\n  )\n> bool\n  3',
  ],
  [
    'node_memory_MemTotal_bytes{instance="aaaaaaaaaaaaaaaaaaaaaaaaa"} - on (instance) group_left (nodename) node_uname_info{instance="bbbbbbbbbbbbbbbbbbbbbbb"}',
    '  node_memory_MemTotal_bytes{instance="aaaaaaaaaaaaaaaaaaaaaaaaa"}\n- on (instance) group_left (nodename)\n  node_uname_info{instance="bbbbbbbbbbbbbbbbbbbbbbb"}',
  ],
  [
    'quantile(0.5, rate(http_request_duration_seconds_count{instance="host-000000000000000000000000000001"}[5m]) * 1000000)',
    'quantile(\n  0.5,\n    rate(http_request_duration_seconds_count{instance="host-000000000000000000000000000001"}[5m])\n  *\n    1e+06\n)',
  ],
];

test('prettyExpr splits long expressions as Prometheus does', () => {
  for (const [q, want] of CASES) assert.equal(prettyExpr(parseExpr(q)), want, q);
});

test('prettyExpr keeps expressions of up to 100 characters on one line', () => {
  const q = 'sum by (instance) (rate(node_cpu_seconds_total{instance="a",mode!="idle"}[5m]))';
  assert.equal(prettyExpr(parseExpr(q)), q);
  const long = `foo{a="${'x'.repeat(100)}"}`;
  assert.equal(prettyExpr(parseExpr(long)), long, 'a selector is never split');
});
