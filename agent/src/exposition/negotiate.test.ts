import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptsGzip, negotiateFormat } from './negotiate';

test('negotiateFormat: Prometheus 2.x and 3.x scrape headers pick OpenMetrics', () => {
  assert.equal(
    negotiateFormat(
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
    ),
    'openmetrics',
  );
  assert.equal(negotiateFormat('application/openmetrics-text; version=1.0.0; charset=utf-8'), 'openmetrics');
});

test('negotiateFormat: text by default, by preference, and for unknown versions', () => {
  assert.equal(negotiateFormat(undefined), 'text');
  assert.equal(negotiateFormat(''), 'text');
  assert.equal(negotiateFormat('*/*'), 'text');
  assert.equal(negotiateFormat('text/plain;version=0.0.4'), 'text');
  assert.equal(negotiateFormat('text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.5'), 'text');
  assert.equal(negotiateFormat('application/openmetrics-text;version=2.0.0'), 'text');
  assert.equal(negotiateFormat('application/openmetrics-text;q=0'), 'text');
});

test('acceptsGzip: gzip unless refused with q=0', () => {
  assert.equal(acceptsGzip('gzip'), true);
  assert.equal(acceptsGzip('deflate, gzip;q=0.5'), true);
  assert.equal(acceptsGzip('gzip;q=0'), false);
  assert.equal(acceptsGzip('identity'), false);
  assert.equal(acceptsGzip(undefined), false);
});
