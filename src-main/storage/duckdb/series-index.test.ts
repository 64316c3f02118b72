import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { labelsKey } from '../../common/labels';
import { SeriesIndex } from './series-index';

/** fullGc runs V8's full collection (the flag exposes `gc` to contexts made after it is set). */
function fullGc(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
}

/** fresh returns a copy of s that is its own string object, as a parser hands out per scraped line. */
const fresh = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

test('SeriesIndex keeps flat keys and one shared copy of each label string', () => {
  const n = 20_000;
  const labelsOf = (i: number) => ({
    __name__: fresh('node_network_receive_bytes_total'),
    instance: fresh(`127.0.0.1:${40_000 + (i >> 10)}`),
    job: fresh('node'),
    device: `dev${i}`,
  });
  fullGc();
  const before = process.memoryUsage().heapUsed;
  const idx = new SeriesIndex();
  for (let i = 0; i < n; i++) idx.add(idx.nextId, idx.ownLabels(labelsOf(i)));
  fullGc();
  const perSeries = (process.memoryUsage().heapUsed - before) / n;
  // Measured: ~365 B per series (key text, labels object, index entries, typed-array slots); ~425 B with
  // a copy of each label string per series, ~880 B with labelsKey's concatenation tree kept as the key.
  assert.ok(perSeries < 400, `index costs ${perSeries.toFixed(0)} B per series`);
  assert.equal(idx.size, n);
  const s = idx.getByKey(labelsKey(labelsOf(123)));
  assert.equal(s?.id, 124);
  assert.deepEqual(s?.labels, labelsOf(123));
});
