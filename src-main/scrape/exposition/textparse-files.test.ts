import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Labels } from '../../common/labels';
import { createParser } from './parser';
import { testdataDir } from './testdata-path';

const dir = testdataDir('textparse');

interface Parsed {
  series: Map<string, { labels: Labels; value: number; timestamp: number | undefined }>;
  types: Map<string, string>;
  help: Map<string, string>;
  samples: number;
}

/** parseFile parses one sample file in the format its extension names. */
function parseFile(file: string): Parsed {
  const contentType = file.endsWith('.om.txt') ? 'application/openmetrics-text; version=1.0.0' : 'text/plain';
  const p = createParser(readFileSync(join(dir, file), 'utf8'), contentType);
  const out: Parsed = { series: new Map(), types: new Map(), help: new Map(), samples: 0 };
  for (let e = p.next(); e !== undefined; e = p.next()) {
    if (e === 'series') {
      out.samples++;
      out.series.set(p.seriesKey(), { labels: p.labels(), value: p.value(), timestamp: p.timestamp() });
    } else if (e === 'type') out.types.set(p.metricName(), p.type());
    else if (e === 'help') out.help.set(p.metricName(), p.text());
  }
  return out;
}

test('every textparse sample file parses fully in the mode its extension names', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.prom.txt') || f.endsWith('.om.txt'));
  assert.ok(files.length >= 4, `sample files in ${dir}`);
  for (const file of files) {
    const parsed = parseFile(file);
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    const sampleLines = lines.filter((l) => l !== '' && !l.startsWith('#'));
    const created = file.endsWith('.om.txt')
      ? sampleLines.filter((l) => /^\w+_created[{ ]/.test(l)).length
      : 0;
    // Every sample line is a series entry, except OpenMetrics `_created` lines, which are skipped.
    assert.equal(parsed.samples, sampleLines.length - created, file);
    assert.equal(parsed.series.size, parsed.samples, `${file}: every series key is distinct`);
  }
});

test('spot checks of alltypes.237mfs.prom.txt', () => {
  const p = parseFile('alltypes.237mfs.prom.txt');
  assert.equal(p.types.size, 237);
  assert.equal(p.types.get('go_gc_duration_seconds'), 'summary');
  assert.equal(p.types.get('go_gc_cycles_automatic_gc_cycles_total'), 'counter');
  assert.equal(
    p.help.get('go_gc_cycles_forced_gc_cycles_total'),
    'Count of completed GC cycles forced by the application. Sourced from /gc/cycles/forced:gc-cycles',
  );
  assert.equal(p.series.get('go_gc_cycles_automatic_gc_cycles_total')?.value, 190932);
  // Quantiles are normalised as Prometheus 3 does: quantile="0" becomes "0.0".
  assert.deepEqual(p.series.get('go_gc_duration_seconds{quantile="0"}')?.labels, {
    __name__: 'go_gc_duration_seconds',
    quantile: '0.0',
  });
  assert.equal(p.series.get('go_gc_duration_seconds{quantile="0"}')?.value, 7.6238e-5);
  const bucket = p.series.get('prometheus_http_response_size_bytes_bucket{handler="/",le="1000"}');
  assert.deepEqual(bucket?.labels, {
    __name__: 'prometheus_http_response_size_bytes_bucket',
    handler: '/',
    le: '1000.0',
  });
  assert.equal(bucket?.value, 688);
  const rule = [...p.series.values()].find(
    (s) => s.labels.rule_group === '/etc/prometheus/rules/ansible_managed.rules;ansible managed alert rules',
  );
  assert.ok(rule, 'a label value with spaces and semicolons');
});

test('spot checks of alltypes.5mfs.om.txt', () => {
  const p = parseFile('alltypes.5mfs.om.txt');
  assert.equal(p.types.get('rpc_durations_histogram_seconds'), 'histogram');
  assert.equal(p.series.get('go_build_info{checksum="",path="",version=""}')?.value, 1);
  const exemplarLine = p.series.get('rpc_durations_histogram_seconds_bucket{le="-0.0002899999999999998"}');
  assert.equal(exemplarLine?.value, 3, 'the value before an exemplar');
  assert.equal(exemplarLine?.timestamp, undefined, 'the exemplar timestamp is not the sample timestamp');
  assert.equal(
    p.series.get('rpc_durations_seconds{service="normal",quantile="0.5"}')?.value,
    -5.066758674917046e-6,
  );
  assert.equal(p.series.get('rpc_requests_total{service="normal"}')?.value, 15);
  assert.equal(p.series.get('rpc_requests_created{service="normal"}'), undefined, '_created is skipped');
});

test('spot checks of 1histogram.om.txt', () => {
  const p = parseFile('1histogram.om.txt');
  assert.equal(p.types.get('golang_manual_histogram_seconds'), 'histogram');
  const key = 'golang_manual_histogram_seconds_count{address="0.0.0.0",generation="20",port="5003"}';
  assert.deepEqual(p.series.get(key)?.labels, {
    __name__: 'golang_manual_histogram_seconds_count',
    address: '0.0.0.0',
    generation: '20',
    port: '5003',
  });
  assert.equal(p.series.get(key)?.value, 1);
  const inf = p.series.get(
    'golang_manual_histogram_seconds_bucket{address="0.0.0.0",generation="20",port="5003",le="+Inf"}',
  );
  assert.equal(inf?.labels.le, '+Inf');
});
