import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HistogramCheck } from './histogram-check';
import { OpenMetricsValidator } from './openmetrics-validator';

test('a well-formed histogram, summary and state set pass, with their groups in any label order', () => {
  const v = new OpenMetricsValidator();
  assert.equal(v.metadata('type', 'h', 'histogram'), undefined);
  assert.equal(v.metadata('help', 'h', 'x'), undefined);
  assert.equal(v.sample('h_bucket', ['a', 'le'], ['1', '0.5'], 1, undefined, true), undefined);
  assert.equal(v.sample('h_bucket', ['le', 'a'], ['+Inf', '1'], 2, undefined, false), undefined);
  assert.equal(v.sample('h_count', ['a'], ['1'], 2, undefined, false), undefined);
  assert.equal(v.sample('h_sum', ['a'], ['1'], 3.5, undefined, false), undefined);
  assert.equal(v.sample('h_created', ['a'], ['1'], 1e9, undefined, false), undefined);
  assert.equal(v.metadata('type', 's', 'summary'), undefined);
  assert.equal(v.sample('s', ['quantile'], ['0.5'], 1, undefined, false), undefined);
  assert.equal(v.sample('s_count', [], [], 1, undefined, false), undefined);
  assert.equal(v.metadata('type', 'st', 'stateset'), undefined);
  assert.equal(v.sample('st', ['st'], ['on'], 1, 5, false), undefined);
  assert.equal(v.sample('st', ['st'], ['off'], 0, 5, false), undefined);
  assert.equal(v.end(), undefined);
});

test('family rules: interleaving, metadata placement, clashing names, value domains', () => {
  const interleaved = new OpenMetricsValidator();
  interleaved.sample('a', [], [], 1, undefined, false);
  interleaved.sample('b', [], [], 1, undefined, false);
  assert.match(interleaved.sample('a', [], [], 1, undefined, false)!, /clashes with an earlier use of "a"/);

  const late = new OpenMetricsValidator();
  late.sample('a', [], [], 1, undefined, false);
  assert.match(late.metadata('help', 'a', 'x')!, /HELP of "a" after its samples/);

  const info = new OpenMetricsValidator();
  info.metadata('type', 'i', 'info');
  assert.match(info.sample('i_info', [], [], 2, undefined, false)!, /info value 2 is not 1/);

  const counter = new OpenMetricsValidator();
  counter.metadata('type', 'c', 'counter');
  assert.match(counter.sample('c_total', [], [], NaN, undefined, false)!, /is NaN/);

  const gauge = new OpenMetricsValidator();
  gauge.metadata('type', 'g', 'gauge');
  assert.match(gauge.sample('g', [], [], 1, undefined, true)!, /only histogram buckets and counter totals/);
});

test('HistogramCheck checks each group when it ends', () => {
  const h = new HistogramCheck();
  assert.equal(h.add('h', '_bucket', 'g1', undefined, 1, 1), undefined);
  assert.equal(h.add('h', '_bucket', 'g1', undefined, Infinity, 3), undefined);
  assert.equal(h.add('h', '_count', 'g1', undefined, 0, 4), undefined);
  assert.match(h.add('h', '_bucket', 'g2', undefined, Infinity, 0)!, /count of "h" \(4\) differs/);
  const ordered = new HistogramCheck();
  ordered.add('h', '_bucket', 'g', undefined, 2, 0);
  assert.match(ordered.add('h', '_bucket', 'g', undefined, 1, 0)!, /not in increasing "le" order/);
  const open = new HistogramCheck();
  open.add('h', '_bucket', 'g', undefined, 2, 0);
  assert.match(open.finish('h')!, /no "\+Inf" bucket/);
});
