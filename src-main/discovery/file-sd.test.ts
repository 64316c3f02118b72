import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { TargetGroup } from './api';
import { FileSDDiscoverer, FileSDError, globToRegExp, parseFileSD } from './file-sd';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-filesd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** writeAtomic replaces a file the way editors and config tools do (write aside, rename over). */
async function writeAtomic(path: string, text: string): Promise<void> {
  await writeFile(path + '.tmp', text);
  await rename(path + '.tmp', path);
}

function errorAt(text: string, file: string): FileSDError {
  try {
    parseFileSD(text, file);
  } catch (e) {
    assert.ok(e instanceof FileSDError, String(e));
    return e;
  }
  assert.fail('expected a FileSDError');
}

test('parseFileSD reads the JSON and YAML forms into groups sourced <file>:<index>', () => {
  const json = '[{"targets": ["a:1", "b:2"], "labels": {"env": "lab"}}, {"targets": ["c:3"]}]';
  assert.deepEqual(parseFileSD(json, '/sd/x.json'), [
    {
      source: '/sd/x.json:0',
      targets: [{ __address__: 'a:1' }, { __address__: 'b:2' }],
      labels: { env: 'lab', __meta_filepath: '/sd/x.json' },
    },
    { source: '/sd/x.json:1', targets: [{ __address__: 'c:3' }], labels: { __meta_filepath: '/sd/x.json' } },
  ]);
  const yaml = '- targets:\n    - a:1\n  labels:\n    env: lab\n    n: 3\n';
  assert.deepEqual(parseFileSD(yaml, '/sd/y.yml'), [
    {
      source: '/sd/y.yml:0',
      targets: [{ __address__: 'a:1' }],
      labels: { env: 'lab', n: '3', __meta_filepath: '/sd/y.yml' },
    },
  ]);
  assert.deepEqual(parseFileSD('', '/sd/empty.yml'), []);
});

test('parseFileSD names file, line and column of what is wrong', () => {
  let e = errorAt('[\n  {"targets": ["a:1"],}\n]', '/sd/x.json');
  assert.equal(e.line, 2);
  assert.match(e.message, /^\/sd\/x\.json:2:\d+: invalid JSON: /);
  e = errorAt('- targets: [a:1]\n  labels: [x]\n', '/sd/y.yml');
  assert.deepEqual([e.line, e.column], [2, 11]);
  assert.match(e.reason, /"labels" must be a map/);
  e = errorAt('- targets: [a:1]\n  label:\n    x: y\n', '/sd/y.yml');
  assert.deepEqual([e.line, e.column], [2, 3]);
  assert.match(e.reason, /unknown field "label"/);
  e = errorAt('- targets: [a:1]\n  labels:\n    bad-name: y\n', '/sd/y.yml');
  assert.deepEqual([e.line, e.column], [3, 5]);
  assert.match(e.reason, /invalid label name "bad-name"/);
  e = errorAt('- targets:\n    - a:1\n    - 9100\n', '/sd/y.yml');
  assert.deepEqual([e.line, e.column], [3, 7]);
  e = errorAt('targets: [a:1]\n', '/sd/y.yml');
  assert.match(e.reason, /expected a list of target groups/);
  e = errorAt('- targets: [a:1\n', '/sd/y.yml');
  assert.match(e.message, /^\/sd\/y\.yml:\d+:\d+: invalid YAML: /);
});

test('globToRegExp matches file names with *, ? and classes', () => {
  assert.ok(globToRegExp('*.json').test('nodes.json'));
  assert.ok(!globToRegExp('*.json').test('nodes.json.bak'));
  assert.ok(globToRegExp('node-?.yml').test('node-1.yml'));
  assert.ok(globToRegExp('node-[ab].yml').test('node-b.yml'));
  assert.ok(!globToRegExp('node-[!ab].yml').test('node-b.yml'));
  assert.ok(!globToRegExp('a.b.json').test('aXb.json'));
});

test('a glob outside the last path element or a wrong extension is refused', () => {
  assert.throws(
    () => new FileSDDiscoverer({ files: ['/x/*/a.json'], refresh_interval: 0 }),
    /only the last path/,
  );
  assert.throws(
    () => new FileSDDiscoverer({ files: ['/x/a.txt'], refresh_interval: 0 }),
    /\.json, \.yml or \.yaml/,
  );
});

test('refresh sends changed groups only, keeps a broken file, and removes a deleted one', async (t) => {
  const dir = await tempDir(t);
  const a = join(dir, 'a.json');
  const b = join(dir, 'b.yml');
  await writeFile(a, JSON.stringify([{ targets: ['a:1'] }, { targets: ['a:2'] }]));
  await writeFile(b, '- targets: [b:1]\n');
  const logs: string[] = [];
  const d = new FileSDDiscoverer(
    { files: [join(dir, '*.json'), join(dir, '*.yml')], refresh_interval: 0 },
    { log: (_l, m) => logs.push(m) },
  );
  const sources = (gs: TargetGroup[]) =>
    gs.map((g) => `${g.source.slice(dir.length + 1)}=${g.targets.map((x) => x.__address__).join('|')}`);
  assert.deepEqual(sources(await d.refresh()), ['a.json:0=a:1', 'a.json:1=a:2', 'b.yml:0=b:1']);
  assert.deepEqual(await d.refresh(), [], 'nothing changed');
  await writeFile(a, JSON.stringify([{ targets: ['a:1', 'a:3'] }]));
  assert.deepEqual(sources(await d.refresh()), ['a.json:0=a:1|a:3', 'a.json:1=']);
  await writeFile(a, '[{"targets": ["a:9"]');
  assert.deepEqual(await d.refresh(), [], 'a broken file keeps its previous groups');
  assert.equal(logs.length, 1);
  assert.ok(logs[0]!.startsWith(`${a}:1:`), logs[0]);
  await unlink(b);
  assert.deepEqual(sources(await d.refresh()), ['b.yml:0=']);
});

test('run watches the folder: an edited file changes the targets', async (t) => {
  const dir = await tempDir(t);
  const a = join(dir, 'nodes.yml');
  await writeFile(a, '- targets: [h:1]\n');
  const got: TargetGroup[][] = [];
  const ac = new AbortController();
  // refresh_interval is long so that only the watch can deliver the edit in time.
  const d = new FileSDDiscoverer(
    { files: [join(dir, '*.yml')], refresh_interval: 3_600_000 },
    { debounceMs: 10 },
  );
  const run = d.run(ac.signal, (g) => got.push(g));
  t.after(() => {
    ac.abort();
    return run;
  });
  const waitFor = async (what: string, cond: () => boolean): Promise<void> => {
    const end = Date.now() + 5000;
    while (!cond()) {
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
      await delay(10);
    }
  };
  await waitFor('the first set', () => got.length === 1);
  assert.deepEqual(got[0]![0]!.targets, [{ __address__: 'h:1' }]);
  await writeAtomic(a, '- targets: [h:1, h:2]\n  labels: {rack: r1}\n');
  await waitFor('the edit', () => got.length === 2);
  assert.deepEqual(got[1], [
    {
      source: `${a}:0`,
      targets: [{ __address__: 'h:1' }, { __address__: 'h:2' }],
      labels: { rack: 'r1', __meta_filepath: a },
    },
  ]);
  ac.abort();
  await run;
});
