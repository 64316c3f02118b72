import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyLine, MetadataLines, type MetadataLine } from './metadata-lines';
import type { MetricMetadata } from '../storage/api';

const line = (raw: string): MetadataLine => {
  const [, kind, name, value] = /^# (\w+) (\S+) (.*)$/.exec(raw)!;
  return { raw, name: name!, kind: kind!.toLowerCase() as MetadataLine['kind'], value: value! };
};

/** play runs one scrape's metadata lines as appendScrape does and returns the per-family result. */
function play(lines: MetadataLines, raws: string[], ok = true): Map<string, MetricMetadata> | 'unchanged' {
  const seen = new Map<string, MetricMetadata>();
  let diverged = false;
  for (const raw of raws) {
    if (lines.same(raw)) continue;
    if (!diverged) for (const l of lines.diverge()) applyLine(l, seen);
    diverged = true;
    lines.record(line(raw));
    applyLine(line(raw), seen);
  }
  const unchanged = lines.unchanged();
  if (unchanged === undefined && !diverged) for (const l of lines.diverge()) applyLine(l, seen);
  if (ok) lines.succeed();
  else lines.reset();
  return unchanged !== undefined ? 'unchanged' : seen;
}

test('metadata lines: a repeat is unchanged; a change replays the lines before it; failures do not count', () => {
  const lines = new MetadataLines();
  const first = ['# HELP a A.', '# TYPE a counter', '# TYPE b gauge'];
  assert.deepEqual(
    play(lines, first),
    new Map([
      ['a', { type: 'counter', help: 'A.', unit: '' }],
      ['b', { type: 'gauge', help: '', unit: '' }],
    ]),
  );
  assert.equal(play(lines, first), 'unchanged');
  const changed = ['# HELP a A.', '# TYPE a counter', '# TYPE b untyped'];
  assert.equal((play(lines, changed, false) as Map<string, MetricMetadata>).get('a')?.type, 'counter');
  // The failed scrape did not become the baseline: the same change is seen again.
  assert.equal((play(lines, changed) as Map<string, MetricMetadata>).get('b')?.type, 'untyped');
  assert.equal(play(lines, changed), 'unchanged');
  // A shorter list is a change too, and then the new baseline.
  assert.equal((play(lines, changed.slice(0, 2)) as Map<string, MetricMetadata>).size, 1);
  assert.equal(play(lines, changed.slice(0, 2)), 'unchanged');
});
