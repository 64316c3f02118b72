import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openDuckDBStorage } from '../../src-main/storage/duckdb/index';

const root = new URL('../..', import.meta.url).pathname;
const WRITER = join(root, 'test/fixtures/storage-writer.ts');
/** DURABILITY_MS is the promise under test: at most this much committed data is lost by a kill -9. */
const DURABILITY_MS = 2000;

/** startWriter runs the fixture and returns it with a line reader over its stdout. */
function startWriter(
  dir: string,
  mode: 'hold' | 'append',
): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, mode], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, lines };
}

/** killNow SIGKILLs a child that is still running and waits until it is gone. */
async function killNow(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

test('after kill -9 the store reopens with every sample committed more than 2 s before the kill', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-crash-'));
  const { child, lines } = startWriter(dir, 'append');
  t.after(async () => {
    await killNow(child);
    rmSync(dir, { recursive: true, force: true });
  });
  const committed: { t: number; wall: number }[] = [];
  const first = await lines.next();
  assert.equal(first.value, 'open');
  // Let it write long enough that several background flushes happened, then kill it mid-stream.
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const line = await lines.next();
    if (line.done === true) break;
    const [word, ts, wall] = line.value.split(' ');
    assert.equal(word, 'committed');
    committed.push({ t: Number(ts), wall: Number(wall) });
    if (committed.length > 1 && committed[committed.length - 1]!.wall - committed[0]!.wall >= 4000) break;
  }
  const killedAt = Date.now();
  await killNow(child);
  assert.ok(committed.length > 50, `the writer committed only ${committed.length} batches`);

  const st = await openDuckDBStorage({ dir });
  try {
    const got = await st
      .querier()
      .select([{ name: '__name__', type: '=', value: 'crash_test' }], 0, Infinity);
    assert.equal(got.length, 20);
    const mustHave = committed.filter((c) => c.wall < killedAt - DURABILITY_MS);
    assert.ok(mustHave.length > 0);
    const lastNeeded = mustHave[mustHave.length - 1]!.t;
    for (const s of got) {
      const i = Number(s.labels.i);
      const ts = [...s.t];
      // Everything stored is a prefix of what was committed, with the values that were committed.
      ts.forEach((x, j) => {
        assert.equal(x, 1000 * (j + 1));
        assert.equal(s.v[j], x / 1000 + i);
      });
      assert.ok(
        ts.length > 0 && ts[ts.length - 1]! >= lastNeeded,
        `series ${i} ends at ${ts.at(-1)}, needs ${lastNeeded}`,
      );
    }
    const lost = committed.length - got[0]!.t.length;
    t.diagnostic(`committed ${committed.length} batches, ${lost} lost to the kill`);
  } finally {
    await st.close();
  }
});

test('a second process opening the same data folder gets a clear "in use" error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-lock-'));
  const holder = startWriter(dir, 'hold');
  const others: ChildProcess[] = [];
  t.after(async () => {
    await killNow(holder.child);
    for (const c of others) await killNow(c);
    rmSync(dir, { recursive: true, force: true });
  });
  assert.equal((await holder.lines.next()).value, 'open');
  const other = startWriter(dir, 'hold');
  others.push(other.child);
  const line = (await other.lines.next()).value as string;
  assert.match(line, /^error data folder .* is in use by another Vigie process \(pid \d+\)/);
  assert.ok(line.includes(`pid ${holder.child.pid}`), line);
  // The in-process guard answers too, without touching DuckDB's lock.
  await killNow(holder.child);
  const st = await openDuckDBStorage({ dir });
  try {
    await assert.rejects(openDuckDBStorage({ dir }), /already open in this process/);
  } finally {
    await st.close();
  }
});
