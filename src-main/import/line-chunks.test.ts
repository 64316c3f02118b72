import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLineChunks, type LineChunk } from './line-chunks';

/** chunksOf writes text to a temp file and reads it back in chunks of `size` bytes. */
async function chunksOf(t: { after: (f: () => void) => void }, text: string, size: number) {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-line-chunks-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'f.txt');
  writeFileSync(file, text);
  const out: LineChunk[] = [];
  for await (const c of readLineChunks(file, size)) out.push(c);
  return out;
}

test('readLineChunks cuts after newlines, numbers lines, and yields the tail last', async (t) => {
  const text = 'aaaa\nbb\ncccccc\nd';
  for (const size of [1, 2, 3, 5, 7, 100]) {
    const chunks = await chunksOf(t, text, size);
    assert.equal(chunks.map((c) => c.text).join(''), text, `size ${size}`);
    const last = chunks.at(-1)!;
    assert.equal(last.last, true);
    assert.equal(last.text, 'd');
    assert.equal(last.firstLine, 4);
    for (const c of chunks.slice(0, -1)) {
      assert.ok(c.text.endsWith('\n'));
      assert.equal(c.last, false);
    }
    // Every chunk's first line number follows from the lines before it.
    let line = 1;
    for (const c of chunks) {
      assert.equal(c.firstLine, line);
      line += c.lines;
    }
    assert.equal(last.bytesRead, Buffer.byteLength(text));
  }
});

test('readLineChunks decodes a UTF-8 character split between two reads', async (t) => {
  const text = 'é€\n😀x\n';
  const chunks = await chunksOf(t, text, 1);
  assert.equal(chunks.map((c) => c.text).join(''), text);
  const final = chunks.at(-1)!;
  assert.deepEqual([final.text, final.firstLine, final.last], ['', 3, true]);
});
