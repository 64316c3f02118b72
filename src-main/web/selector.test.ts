import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSelector, SelectorError } from './selector';

test('parseSelector reads plain selectors', () => {
  assert.deepEqual(parseSelector('up'), [{ name: '__name__', type: '=', value: 'up' }]);
  assert.deepEqual(parseSelector(' node:cpu_seconds:rate5m { job = "x" , mode!~\'idle|iowait\', } '), [
    { name: '__name__', type: '=', value: 'node:cpu_seconds:rate5m' },
    { name: 'job', type: '=', value: 'x' },
    { name: 'mode', type: '!~', value: 'idle|iowait' },
  ]);
  assert.deepEqual(parseSelector('{__name__=~"a.*",env!=""}'), [
    { name: '__name__', type: '=~', value: 'a.*' },
    { name: 'env', type: '!=', value: '' },
  ]);
  assert.deepEqual(parseSelector('{"my.metric", "service.name"="api"}'), [
    { name: '__name__', type: '=', value: 'my.metric' },
    { name: 'service.name', type: '=', value: 'api' },
  ]);
});

test('parseSelector unescapes strings as Go does', () => {
  assert.deepEqual(parseSelector('x{a="q\\"\\n\\t\\\\\\x41\\u00e9\\101"}')[1], {
    name: 'a',
    type: '=',
    value: 'q"\n\t\\AéA',
  });
  assert.deepEqual(parseSelector('x{a=`raw\\n`}')[1], { name: 'a', type: '=', value: 'raw\\n' });
});

test('parseSelector refuses what is not a plain selector, with a position', () => {
  const cases: [string, RegExp][] = [
    ['', /^1:1: parse error: unexpected end of input$/],
    ['up{job="x"', /^1:11: parse error: unexpected end of input inside braces$/],
    ['up{job=x}', /^1:8: parse error: unexpected "x" in label matching, expected string$/],
    ['up{job}', /^1:7: parse error: unexpected "}" in label matching, expected label matching operator$/],
    ['up{job="a" env="b"}', /^1:12: parse error: unexpected "e" .* expected "," or "}"$/],
    ['up[5m]', /^1:3: parse error: unexpected "\["; match\[\] takes a plain series selector/],
    ['rate(up[5m])', /^1:5: parse error: unexpected "\("/],
    ['up{a="x}', /^1:6: parse error: unterminated quoted string$/],
    ['up{a="\\q"}', /^1:7: parse error: invalid escape sequence$/],
    ['up{__name__="down"}', /^1:4: parse error: metric name must not be set twice: "down"$/],
    ['{a=~"("}', /^1:5: parse error: invalid regular expression/],
    ['{}', /^1:1: parse error: vector selector must contain at least one non-empty matcher$/],
    ['{a=~".*"}', /vector selector must contain at least one non-empty matcher/],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseSelector(input),
      (e: unknown) => e instanceof SelectorError && message.test(e.message),
      input,
    );
  }
});
