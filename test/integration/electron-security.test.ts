// electron-security: `npm run lint:electron` (electronegativity, offline) passes on the real shell and fails
// on a shell that turns the checklist's protections off, so the CI gate is known to bite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = join(import.meta.dirname, '..', '..', 'scripts', 'lint-electron.js');

/** lint runs the script and returns its exit code and output, whatever the code. */
async function lint(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [script, ...args], { timeout: 180_000 });
    return { code: 0, out: r.stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

test('the desktop shell has no high-severity electronegativity finding; an unsafe one does', async (t) => {
  const bad = mkdtempSync(join(tmpdir(), 'vigie-unsafe-shell-'));
  t.after(() => rmSync(bad, { recursive: true, force: true }));
  writeFileSync(
    join(bad, 'main.ts'),
    `import { BrowserWindow } from 'electron';\n` +
      `const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n` +
      `w.loadURL('http://example.invalid/');\n`,
  );
  const [good, unsafe] = await Promise.all([lint([]), lint(['--input', bad])]);
  assert.equal(good.code, 0, good.out);
  assert.match(good.out, /0 high-severity/);
  assert.equal(unsafe.code, 1, unsafe.out);
  assert.match(unsafe.out, /HIGH\s+\S+\s+CONTEXT_ISOLATION_JS_CHECK main\.ts/);
  assert.match(unsafe.out, /HIGH\s+\S+\s+LIMIT_NAVIGATION_GLOBAL_CHECK/);
});
