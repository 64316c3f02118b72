import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryStorage } from '../../storage/memory/memory-storage';
import { runScript } from './runner';

const dir = join(new URL('../../../', import.meta.url).pathname, '../shared/testdata/promql');
const only = process.env.PROMQLTEST_FILE;
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.test') && (!only || f.includes(only)))
      .sort()
  : [];

// Missing upstream data must fail loudly: an empty run would pass while checking nothing.
test('the upstream PromQL test scripts are there', () => {
  assert.ok(existsSync(dir), `no PromQL conformance scripts at ${dir} (../shared/testdata/promql)`);
  assert.ok(files.length > 0 || only !== undefined, `no *.test files in ${dir}`);
});

for (const file of files) {
  test(`promqltest ${file}`, async () => {
    const outcomes = await runScript(file, readFileSync(join(dir, file), 'utf8'), new MemoryStorage());
    const count = (s: string) => outcomes.filter((o) => o.status === s).length;
    console.log(`${file}: passed ${count('passed')}, skipped ${count('skipped')}, failed ${count('failed')}`);
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (process.env.PROMQLTEST_VERBOSE)
      for (const f of failed) console.log(`  line ${f.line}: ${f.expr}\n    ${f.detail}`);
    assert.equal(failed.length, 0, failed.map((f) => `line ${f.line}: ${f.expr}: ${f.detail}`).join('\n'));
  });
}
