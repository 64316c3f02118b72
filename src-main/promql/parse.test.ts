import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryError } from './api';
import { formatExpr, parseExpr } from './parse';
import type { BinaryExpr, MatrixSelector, UnaryExpr, VectorSelector } from './ast';

function parseFails(q: string, msg: RegExp): void {
  assert.throws(
    () => parseExpr(q),
    (e: unknown) => e instanceof QueryError && e.type === 'bad_data' && msg.test(e.message),
    `${q} should fail with ${msg}`,
  );
}

test('parseExpr builds selectors with matchers, offset and @', () => {
  const e = parseExpr('foo{a="b", c=~"d.*"} offset -5m @ 100') as VectorSelector;
  assert.equal(e.kind, 'vectorSelector');
  assert.deepEqual(e.matchers, [
    { name: '__name__', type: '=', value: 'foo' },
    { name: 'a', type: '=', value: 'b' },
    { name: 'c', type: '=~', value: 'd.*' },
  ]);
  assert.equal(e.offsetMs, -300_000);
  assert.equal(e.at, 100_000);
  const m = parseExpr('rate(x[1h30m])');
  assert.equal(m.kind, 'call');
  assert.equal((m.args[0] as MatrixSelector).rangeMs, 5_400_000);
});

test('parseExpr follows PromQL precedence and associativity', () => {
  const pow = parseExpr('2 ^ 3 ^ 2') as BinaryExpr;
  assert.equal(pow.rhs.kind, 'binary', '^ is right-associative');
  const sub = parseExpr('1 - 2 - 3') as BinaryExpr;
  assert.equal(sub.lhs.kind, 'binary', '- is left-associative');
  const neg = parseExpr('-2 ^ 2') as UnaryExpr;
  assert.equal(neg.kind, 'unary', 'unary minus binds looser than ^');
  // lezer gives postfix constructs no precedence; the builder re-climbs: a + ((b offset 1m) * 2).
  const mixed = parseExpr('a + b offset 1m * 2') as BinaryExpr;
  assert.equal(mixed.op, '+');
  assert.equal((mixed.rhs as BinaryExpr).op, '*');
  assert.equal(((mixed.rhs as BinaryExpr).lhs as VectorSelector).offsetMs, 60_000);
  const off = parseExpr('a offset 1m or b offset 2m') as BinaryExpr;
  assert.equal((off.lhs as VectorSelector).offsetMs, 60_000);
  assert.equal((off.rhs as VectorSelector).offsetMs, 120_000);
});

test('parseExpr reads number and string literals as Go does', () => {
  const num = (q: string) => {
    const e = parseExpr(q);
    assert.equal(e.kind, 'number');
    return e.value;
  };
  assert.equal(num('0x1F'), 31);
  assert.equal(num('-Inf'), -Infinity);
  assert.ok(Number.isNaN(num('nan')));
  assert.equal(num('1h'), 3600);
  assert.equal(num('2.'), 2);
  assert.equal(num('.5e1'), 5);
  const s = parseExpr('"a\\tb\\x41\\u00e9"');
  assert.equal(s.kind === 'string' && s.value, 'a\tbAé');
  assert.equal((parseExpr('`raw\\n`') as { value: string }).value, 'raw\\n');
});

test('parseExpr type-checks like Prometheus', () => {
  parseFails('rate(1)', /expected type range vector in call to function "rate", got scalar/);
  parseFails('abs(foo[5m])', /expected type instant vector in call to function "abs", got range vector/);
  parseFails('sum(foo[5m])', /expected type instant vector in aggregation expression, got range vector/);
  parseFails('1 > 2', /comparisons between scalars must use BOOL modifier/);
  parseFails('foo and 1', /set operator "and" not allowed in binary scalar expression/);
  parseFails('foo + bool bar', /bool modifier can only be used on comparison operators/);
  parseFails('{}', /vector selector must contain at least one non-empty matcher/);
  parseFails('{a=""}', /at least one non-empty matcher/);
  parseFails('sum(x) offset 5m', /offset modifier must be preceded by/);
  parseFails('foo offset 1m offset 1m', /offset may not be set multiple times/);
  parseFails('nosuchfn(x)', /parse error at char \d+/);
  parseFails('foo{', /parse error at char 5: unexpected end of input/);
  parseFails('abs(x, y)', /expected 1 argument\(s\) in call to "abs", got 2/);
});

test('formatExpr prints the canonical form, which parses back to the same text', () => {
  const cases: [string, string][] = [
    ['sum by(a)(rate(foo{a="b"}[5m] offset -1m))', 'sum by (a) (rate(foo{a="b"}[5m] offset -1m))'],
    ['foo @ 100 offset 5m', 'foo @ 100.000 offset 5m'],
    ['x[5m:1m] @ start()', 'x[5m:1m] @ start()'],
    ['a + on(b) group_left(c) d', 'a + on (b) group_left (c) d'],
    ['a == bool ignoring(x) b', 'a == bool ignoring (x) b'],
    ['{__name__="foo", a!~"b"}', 'foo{a!~"b"}'],
    ['topk(3, x)', 'topk(3, x)'],
    ['1e-7', '1e-07'],
  ];
  for (const [q, want] of cases) {
    const got = formatExpr(parseExpr(q));
    assert.equal(got, want);
    assert.equal(formatExpr(parseExpr(got)), want, `${want} round-trips`);
  }
});
