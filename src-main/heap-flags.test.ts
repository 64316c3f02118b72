import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { DEFAULT_HEAP_FLAGS, heapFlags } from './heap-flags';

test('heapFlags applies the defaults unless VIGIE_V8_FLAGS names others or none', () => {
  assert.deepEqual(heapFlags({}, []), [...DEFAULT_HEAP_FLAGS]);
  assert.deepEqual(heapFlags({ VIGIE_V8_FLAGS: ' --optimize-for-size  --heap-growing-percent=30 ' }, []), [
    '--optimize-for-size',
    '--heap-growing-percent=30',
  ]);
  assert.deepEqual(heapFlags({ VIGIE_V8_FLAGS: 'none' }, []), []);
  assert.deepEqual(heapFlags({ VIGIE_V8_FLAGS: '' }, []), []);
});

test('heapFlags leaves out a flag the process was started with, on the command line or in NODE_OPTIONS', () => {
  const names = (flags: string[]): string[] => flags.map((f) => f.replace(/=.*/, ''));
  assert.deepEqual(names(heapFlags({}, ['--semi-space-growth-factor=4'])), ['--heap-growing-percent']);
  assert.deepEqual(names(heapFlags({}, ['--heap_growing_percent=50'])), ['--semi-space-growth-factor']);
  assert.deepEqual(
    names(heapFlags({ NODE_OPTIONS: '--max-old-space-size=200 --heap-growing-percent=9' }, [])),
    ['--semi-space-growth-factor'],
  );
});

test('heapFlags refuses a malformed VIGIE_V8_FLAGS entry, naming the variable and the entry', () => {
  assert.throws(
    () => heapFlags({ VIGIE_V8_FLAGS: '--ok max-semi' }, []),
    /VIGIE_V8_FLAGS: "max-semi" is not a V8 flag/,
  );
  assert.throws(() => heapFlags({ VIGIE_V8_FLAGS: '--a=$(x)' }, []), /VIGIE_V8_FLAGS: "--a=\$\(x\)"/);
});

/** youngGeneration runs a child that imports heap-flags-apply, keeps many young objects alive for a while,
 * and prints the young generation's committed bytes. */
function youngGeneration(env: Record<string, string>): number {
  const script = `
    await import(${JSON.stringify(new URL('./heap-flags-apply.ts', import.meta.url).href)});
    const v8 = await import('node:v8');
    let keep = [];
    for (let i = 0; i < 6e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 200000) keep = []; }
    const s = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
    process.stdout.write(String(s.physical_space_size));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout);
}

test('heap-flags-apply keeps the young generation at its initial size in a process that would grow it', () => {
  const MB = 1024 * 1024;
  assert.ok(youngGeneration({}) <= 4 * MB, 'with the defaults');
  // Without the flags V8 grows it under the same load: the check above does tell the flags apart.
  assert.ok(youngGeneration({ VIGIE_V8_FLAGS: 'none' }) > 8 * MB, 'without flags');
});

test('heap-flags-apply exits with a clear message on a bad VIGIE_V8_FLAGS', () => {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', new URL('./heap-flags-apply.ts', import.meta.url).pathname],
    { env: { ...process.env, VIGIE_V8_FLAGS: 'oops' }, encoding: 'utf8' },
  );
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^vigie: VIGIE_V8_FLAGS: "oops" is not a V8 flag/);
});
