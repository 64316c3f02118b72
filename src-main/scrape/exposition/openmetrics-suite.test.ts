import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createParser, type ParserOptions } from './parser';
import { testdataDir } from './testdata-path';

const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const suiteDir = testdataDir('openmetrics');

interface SuiteCase {
  name: string;
  body: string;
  shouldParse: boolean;
}

/** loadCases reads every case folder of the OpenMetrics parser suite (metrics + test.json). */
function loadCases(): SuiteCase[] {
  return readdirSync(suiteDir)
    .filter((name) => statSync(join(suiteDir, name)).isDirectory())
    .sort()
    .map((name) => {
      const spec = JSON.parse(readFileSync(join(suiteDir, name, 'test.json'), 'utf8')) as {
        shouldParse: boolean;
      };
      return {
        name,
        body: readFileSync(join(suiteDir, name, 'metrics'), 'utf8'),
        shouldParse: spec.shouldParse,
      };
    });
}

/** parseAll walks a body to the end as a scraper would (labels included); returns the error, if any. */
function parseAll(body: string, options: ParserOptions): Error | undefined {
  try {
    const p = createParser(body, OM, options);
    for (let e = p.next(); e !== undefined; e = p.next()) {
      if (e === 'series') p.labels();
      else if (e !== 'comment') p.text();
    }
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

test('OpenMetrics parser suite: strict mode accepts exactly the good cases', () => {
  const cases = loadCases();
  assert.equal(cases.length, 211, `expected the 211 cases of the suite in ${suiteDir}`);
  const disagreements: string[] = [];
  for (const c of cases) {
    const err = parseAll(c.body, { strictOpenMetrics: true });
    if ((err === undefined) !== c.shouldParse) {
      disagreements.push(`${c.name}: shouldParse=${c.shouldParse}, got ${err ? err.message : 'no error'}`);
    } else if (err !== undefined) {
      assert.equal(err.name, 'ExpositionError', `${c.name} threw ${err.name}: ${err.message}`);
    }
  }
  const good = cases.filter((c) => c.shouldParse).length;
  console.log(
    `openmetrics suite: ${cases.length - disagreements.length}/${cases.length} agree ` +
      `(${good} good, ${cases.length - good} bad), ${disagreements.length} disagree`,
  );
  assert.deepEqual(disagreements, []);
});

test('OpenMetrics parser suite: default (Prometheus-like) mode accepts every good case', () => {
  const cases = loadCases();
  let rejectedBad = 0;
  for (const c of cases) {
    const err = parseAll(c.body, {});
    if (c.shouldParse) assert.equal(err, undefined, `${c.name}: ${err?.message}`);
    else if (err !== undefined) rejectedBad++;
  }
  console.log(
    `openmetrics suite, default mode: all good cases parse; ${rejectedBad} bad cases rejected by syntax alone`,
  );
  // The line grammar alone rejects the syntactic half of the bad cases; the rest need strict mode.
  assert.ok(rejectedBad > 80, `only ${rejectedBad} bad cases rejected without strict mode`);
});
