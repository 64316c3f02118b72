import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExpositionError, createParser, formatFromContentType, type ExpositionParser } from './parser';

const TEXT = 'text/plain; version=0.0.4';
const OM = 'application/openmetrics-text; version=1.0.0';

type Entry =
  | { series: string; labels: Record<string, string>; value: number; ts?: number }
  | { type: string; name: string }
  | { help: string; name: string }
  | { unit: string; name: string }
  | { comment: string };

/** entries walks a whole body and records every entry as a plain object, for deepEqual. */
function entries(body: string, contentType: string | undefined, strict = false): Entry[] {
  const p: ExpositionParser = createParser(body, contentType, { strictOpenMetrics: strict });
  const out: Entry[] = [];
  for (let e = p.next(); e !== undefined; e = p.next()) {
    if (e === 'series') {
      const entry: Entry = { series: p.seriesKey(), labels: { ...p.labels() }, value: p.value() };
      const ts = p.timestamp();
      if (ts !== undefined) entry.ts = ts;
      out.push(entry);
    } else if (e === 'type') out.push({ type: p.type(), name: p.metricName() });
    else if (e === 'help') out.push({ help: p.text(), name: p.metricName() });
    else if (e === 'unit') out.push({ unit: p.text(), name: p.metricName() });
    else out.push({ comment: p.text() });
  }
  return out;
}

/** parseError parses to the end and returns the ExpositionError it must throw. */
function parseError(body: string, contentType: string | undefined, strict = false): ExpositionError {
  try {
    entries(body, contentType, strict);
  } catch (err) {
    assert.ok(err instanceof ExpositionError, `expected an ExpositionError, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${JSON.stringify(body)} to be rejected`);
}

test('formatFromContentType follows Prometheus: only application/openmetrics-text is OpenMetrics', () => {
  assert.equal(formatFromContentType(OM), 'openmetrics');
  assert.equal(formatFromContentType('Application/OpenMetrics-Text;version=0.0.1'), 'openmetrics');
  assert.equal(formatFromContentType('text/plain; version=0.0.4; charset=utf-8'), 'text');
  assert.equal(formatFromContentType('application/json'), 'text');
  assert.equal(formatFromContentType(''), 'text');
  assert.equal(formatFromContentType(undefined), 'text');
});

test('text 0.0.4: metadata, comments, series, labels and timestamps', () => {
  const body = [
    '# HELP http_requests_total The total number\\nof \\\\ requests.',
    '# TYPE http_requests_total counter',
    '# a free comment',
    '',
    'http_requests_total{method="post",code="200"} 1027 1395066363000',
    '  http_requests_total { method = "get" , code = "400" , } 3   -5  ',
    'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
    'metric_without_timestamp_and_labels 12.47',
    'no_newline_at_end{} +Inf',
  ].join('\n');
  assert.deepEqual(entries(body, TEXT), [
    { help: 'The total number\nof \\ requests.', name: 'http_requests_total' },
    { type: 'counter', name: 'http_requests_total' },
    { comment: ' a free comment' },
    {
      series: 'http_requests_total{method="post",code="200"}',
      labels: { __name__: 'http_requests_total', method: 'post', code: '200' },
      value: 1027,
      ts: 1395066363000,
    },
    {
      series: 'http_requests_total { method = "get" , code = "400" , }',
      labels: { __name__: 'http_requests_total', method: 'get', code: '400' },
      value: 3,
      ts: -5,
    },
    {
      series:
        'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""}',
      labels: {
        __name__: 'msdos_file_access_time_seconds',
        path: 'C:\\DIR\\FILE.TXT',
        error: 'Cannot find file:\n"FILE.TXT"',
      },
      value: 1458255915,
    },
    {
      series: 'metric_without_timestamp_and_labels',
      labels: { __name__: 'metric_without_timestamp_and_labels' },
      value: 12.47,
    },
    { series: 'no_newline_at_end{}', labels: { __name__: 'no_newline_at_end' }, value: Infinity },
  ]);
});

test('text 0.0.4: special values, unknown escapes and `# EOF` as a plain comment', () => {
  const got = entries('a NaN\nb -Inf\nc Inf\nd +inf\ne{x="\\q"} 9223372036854775808\n# EOF\n', undefined);
  const values = got.map((e) => ('value' in e ? e.value : undefined));
  assert.ok(Number.isNaN(values[0]));
  assert.deepEqual(values.slice(1), [-Infinity, Infinity, Infinity, 9223372036854775808, undefined]);
  assert.deepEqual((got[4] as { labels: object }).labels, { __name__: 'e', x: '\\q' });
  assert.deepEqual(got[5], { comment: ' EOF' });
});

test('le and quantile values are normalised as Prometheus 3 does, only for histograms and summaries', () => {
  const body = [
    '# TYPE h histogram',
    'h_bucket{le="1"} 0',
    'h_bucket{le="0.00001"} 0',
    'h_bucket{le="1e6"} 0',
    'h_bucket{le="+Inf"} 0',
    '# TYPE s summary',
    's{quantile="0"} 1',
    '# TYPE g gauge',
    'g{le="1"} 1',
  ].join('\n');
  const labels = entries(body, TEXT).flatMap((e) =>
    'labels' in e ? [e.labels.le ?? e.labels.quantile] : [],
  );
  assert.deepEqual(labels, ['1.0', '1e-05', '1e+06', '+Inf', '0.0', '1']);
});

test('OpenMetrics: UNIT, float-second timestamps, exemplars dropped, _created skipped, # EOF', () => {
  const body = [
    '# TYPE req counter',
    '# UNIT req_seconds seconds',
    '# HELP req Say \\"hi\\"\\n.',
    'req_total{a="b"} 1 1.5 # {trace_id="x"} 0.5 1.2',
    'req_created{a="b"} 1.7e9',
    '# TYPE other_created gauge',
    'other_created 3 # {} 1',
    '# EOF',
  ].join('\n');
  assert.deepEqual(entries(body, OM), [
    { type: 'counter', name: 'req' },
    { unit: 'seconds', name: 'req_seconds' },
    { help: 'Say "hi"\n.', name: 'req' },
    { series: 'req_total{a="b"}', labels: { __name__: 'req_total', a: 'b' }, value: 1, ts: 1500 },
    { type: 'gauge', name: 'other_created' },
    { series: 'other_created', labels: { __name__: 'other_created' }, value: 3 },
  ]);
});

test('OpenMetrics: strict mode adds family rules that the default mode leaves to the exporter', () => {
  const body = '# TYPE a counter\na_total -1\n# EOF\n';
  assert.equal(entries(body, OM).length, 2);
  const err = parseError(body, OM, true);
  assert.deepEqual([err.line, err.column], [2, 1]);
  assert.match(err.reason, /counter-like sample "a_total" is negative/);
});

test('errors name the line and the byte column of the offending character', () => {
  const cases: [string, string | undefined, number, number, RegExp][] = [
    ['a{b="c" d="e"} 1\n', TEXT, 1, 9, /expected comma or "}", got "d=\\"e\\"}"/],
    ['ok 1\n\na{b} 1\n', TEXT, 3, 4, /expected equal, got "}"/],
    ['a{b="é",1="x"} 1\n', TEXT, 1, 10, /expected label name, got "1=\\"x\\"}"/],
    ['a{b="c",b="d"} 1\n', TEXT, 1, 9, /duplicate label name "b"/],
    ['a{b="c} 1\n', TEXT, 1, 10, /unterminated label value/],
    ['0a 1\n', TEXT, 1, 1, /invalid metric name, got "0a"/],
    ['a.b 1\n', TEXT, 1, 2, /invalid metric name, got ".b"/],
    ['a\n', TEXT, 1, 2, /expected value, got "\\n"/],
    ['a 1x\n', TEXT, 1, 3, /expected a number as value, got "1x"/],
    ['a 0x1p-3\n', TEXT, 1, 3, /expected a number as value/],
    ['a 1 1.5\n', TEXT, 1, 5, /expected timestamp \(integer milliseconds\) or new record, got "1.5"/],
    ['a 1 2 3\n', TEXT, 1, 7, /expected end of line after timestamp, got "3"/],
    ['# TYPE a meh\n', TEXT, 1, 10, /invalid metric type "meh"/],
    ['# HELP 1a x\n', TEXT, 1, 8, /expected metric name after HELP/],
    ['a 1\n', OM, 2, 1, /expected "# EOF"/],
    ['a 1\n# EOF\nb 1\n', OM, 3, 1, /unexpected data after "# EOF"/],
    ['a 1\n\n# EOF\n', OM, 2, 1, /unexpected blank line/],
    ['#comment\n# EOF\n', OM, 1, 2, /OpenMetrics has no comments/],
    ['a  1\n# EOF\n', OM, 1, 3, /expected value, got " 1"/],
    ['a 1 NaN\n# EOF\n', OM, 1, 5, /expected a finite timestamp in seconds, got "NaN"/],
    ['a{b="c",} 1\n# EOF\n', OM, 1, 9, /expected label name, got "}"/],
    ['a_total 1 # {x="y"}\n# EOF\n', OM, 1, 20, /expected " " before the exemplar value/],
    ['# UNIT a seconds\n# EOF\n', OM, 1, 10, /unit "seconds" is not a suffix of metric name "a"/],
    ['# TYPE a untyped\n# EOF\n', OM, 1, 10, /invalid metric type "untyped"/],
  ];
  for (const [body, ct, line, column, reason] of cases) {
    const err = parseError(body, ct);
    assert.deepEqual([err.line, err.column], [line, column], `${JSON.stringify(body)}: ${err.message}`);
    assert.match(err.reason, reason, JSON.stringify(body));
    assert.equal(err.message, `line ${line}, column ${column}: ${err.reason}`);
  }
});

test('exemplar labels are capped at 128 code points, counted as characters, not UTF-16 units', () => {
  const ok = `a_total 1 # {a="${'😀'.repeat(127)}"} 1\n# EOF\n`;
  assert.equal(entries(ok, OM).length, 1);
  const tooLong = `a_total 1 # {ab="${'😀'.repeat(127)}"} 1\n# EOF\n`;
  assert.match(parseError(tooLong, OM).reason, /exemplar labels have 129 characters/);
});

test('after an error the parser stays ended', () => {
  const p = createParser('a{ 1\nb 2\n', TEXT);
  assert.throws(() => p.next(), ExpositionError);
  assert.equal(p.next(), undefined);
});

test('the series key is the series as written, so equal text means equal labels', () => {
  const p = createParser('x{a="1"} 1 10\nx{a="1"} 2 20\nx{a="2"} 3\n', TEXT);
  const keys: string[] = [];
  while (p.next() !== undefined) keys.push(p.seriesKey());
  assert.deepEqual(keys, ['x{a="1"}', 'x{a="1"}', 'x{a="2"}']);
});

test('a line whose key is the expected one parses to the same key, labels and value without a label scan', () => {
  const body =
    '# TYPE h histogram\nh_bucket{le="1",a="x\\"y"} 3\nh_bucket {le="2"} 5 1000\nplain 7\nother{b="c"} 1\n';
  const plain = entries(body, TEXT);
  for (const hint of [
    'h_bucket{le="1",a="x\\"y"}',
    'h_bucket {le="2"}',
    'plain',
    'other{b="d"}',
    'h_bucket{le="1"',
  ]) {
    const p = createParser(body, TEXT);
    const got: Entry[] = [];
    for (;;) {
      p.expectKey(hint);
      const e = p.next();
      if (e === undefined) break;
      if (e !== 'series') continue;
      assert.equal(p.seriesKeyIs(hint), p.seriesKey() === hint);
      const entry: Entry = { series: p.seriesKey(), labels: { ...p.labels() }, value: p.value() };
      const ts = p.timestamp();
      if (ts !== undefined) entry.ts = ts;
      got.push(entry);
    }
    assert.deepEqual(
      got,
      plain.filter((e) => 'series' in e),
      `hint ${hint}`,
    );
  }
  // A hint never hides an error in a line that is not exactly the hinted key.
  const p = createParser('a{x="1"} 1\na{x="1"}} 2\n', TEXT);
  p.expectKey('a{x="1"}');
  assert.equal(p.next(), 'series');
  assert.throws(() => p.next(), /line 2, column 9/);
});
