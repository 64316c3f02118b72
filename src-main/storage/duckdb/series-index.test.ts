import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { labelsKey } from '../../common/labels';
import { matchesAll, type Matcher } from '../../common/matcher';
import { hashKey, SeriesIndex } from './series-index';

/** fullGc runs V8's full collection (the flag exposes `gc` to contexts made after it is set). */
function fullGc(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
}

/** fresh returns a copy of s that is its own string object, as a parser hands out per scraped line. */
const fresh = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

test('SeriesIndex keeps no key text and one shared copy of each label string', () => {
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
  // Measured: ~190 B per series (labels object, series object, hash slot, typed-array slots); ~365 B with
  // each key's text kept, ~425 B more with a copy of each label string per series.
  assert.ok(perSeries < 250, `index costs ${perSeries.toFixed(0)} B per series`);
  assert.equal(idx.size, n);
  const s = idx.getByKey(labelsKey(labelsOf(123)));
  assert.equal(s?.id, 124);
  assert.deepEqual(s?.labels, labelsOf(123));
});

test('getByKey finds every series by its key across table growth, and nothing for an unknown key', () => {
  const idx = new SeriesIndex();
  const labelsOf = (i: number) => ({ __name__: `m${i % 7}`, instance: `h${i}` });
  for (let i = 0; i < 5000; i++) idx.add(idx.nextId, labelsOf(i));
  for (let i = 0; i < 5000; i++) {
    const s = idx.getByKey(labelsKey(labelsOf(i)));
    assert.equal(s?.id, i + 1);
    assert.equal(s?.key, labelsKey(labelsOf(i)));
  }
  assert.equal(idx.getByKey(labelsKey({ __name__: 'm1', instance: 'h5000' })), undefined);
  assert.equal(idx.getByKey('{}'), undefined);
});

test('getByKey tells apart series whose keys hash alike', () => {
  const idx = new SeriesIndex();
  // Two keys with the same 32-bit hash (found by search): only comparing the keys tells them apart.
  const a = { __name__: 'x', k: 'v746139' };
  const b = { __name__: 'x', k: 'v1192494' };
  assert.equal(hashKey(labelsKey(a)), hashKey(labelsKey(b)));
  idx.add(idx.nextId, a);
  assert.equal(idx.getByKey(labelsKey(b)), undefined);
  idx.add(idx.nextId, b);
  assert.equal(idx.getByKey(labelsKey(a))?.id, 1);
  assert.equal(idx.getByKey(labelsKey(b))?.id, 2);
});

test('match returns series sorted by key whether read from one metric, all series or several sets', () => {
  const idx = new SeriesIndex();
  const add = (name: string, instance: string): void => {
    const id = idx.add(idx.nextId, { __name__: name, instance }).id;
    idx.noteSample(id, 1000, 1);
  };
  for (const i of ['c', 'a', 'd']) add('up', i);
  add('load', 'b');
  const keys = (sets: (readonly Matcher[])[]): string[] => idx.match(sets, 0, 2000).map((s) => s.key);
  const up: Matcher = { type: '=', name: '__name__', value: 'up' };
  const load: Matcher = { type: '=', name: '__name__', value: 'load' };
  const sorted = (xs: string[]): string[] => [...xs].sort();
  assert.deepEqual(keys([[up]]), sorted(keys([[up]])));
  assert.equal(keys([[up]]).length, 3);
  // A series added after a match is placed in order for the next one.
  add('up', 'b');
  assert.deepEqual(keys([[up]]), sorted(keys([[up]])));
  assert.equal(keys([[up]]).length, 4);
  assert.deepEqual(keys([]), sorted(keys([])));
  assert.equal(keys([]).length, 5);
  assert.deepEqual(keys([[load], [up]]), sorted(keys([[up], [load]])));
  assert.deepEqual(keys([[{ type: '=~', name: 'instance', value: 'a|b' }]]), [
    labelsKey({ __name__: 'load', instance: 'b' }),
    labelsKey({ __name__: 'up', instance: 'a' }),
    labelsKey({ __name__: 'up', instance: 'b' }),
  ]);
});

test('match by a name regex or negation returns what a full scan sorted by key returns', () => {
  const idx = new SeriesIndex();
  const names = ['up', 'up_x', 'up:rate5m', 'node_load1', 'a', 'A_b', '_x', 'zz'];
  const all: { id: number; labels: Record<string, string> }[] = [];
  let n = 0;
  for (const name of names)
    for (const inst of ['h2', 'h10', 'h1']) {
      const labels: Record<string, string> = { __name__: name, instance: inst };
      // Some series carry a label that sorts before __name__, so their keys do not start with the name.
      if (name === 'node_load1' && inst === 'h1') labels.Zone = 'eu';
      if (name === 'zz' && inst === 'h2') labels.__a = 'x';
      const id = idx.add(idx.nextId, labels).id;
      idx.noteSample(id, 1000, n++);
      all.push({ id, labels });
    }
  // A series without a name.
  const bare = idx.add(idx.nextId, { instance: 'h1', job: 'j' }).id;
  idx.noteSample(bare, 1000, 0);
  all.push({ id: bare, labels: { instance: 'h1', job: 'j' } });
  const reference = (ms: Matcher[]): string[] =>
    all
      .filter((s) => matchesAll(ms, s.labels))
      .map((s) => labelsKey(s.labels))
      .sort();
  const sets: Matcher[][] = [
    [{ type: '=~', name: '__name__', value: 'up.*' }],
    [{ type: '=~', name: '__name__', value: 'up|zz|node_load1' }],
    [{ type: '!=', name: '__name__', value: 'up' }],
    [
      { type: '!~', name: '__name__', value: 'a|A_b' },
      { type: '=', name: 'instance', value: 'h1' },
    ],
    [
      { type: '=~', name: '__name__', value: '.+' },
      { type: '!=', name: 'instance', value: 'h10' },
    ],
    [{ type: '=', name: 'instance', value: 'h1' }],
  ];
  for (const ms of sets)
    assert.deepEqual(
      idx.match([ms], 0, 2000).map((s) => s.key),
      reference(ms),
      JSON.stringify(ms),
    );
});
