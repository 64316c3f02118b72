import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { lazyBuiltins } from './build.js';

test('lazyBuiltins: pairing signs and verifies through the lazy node:crypto, loaded only on first call', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-lazy-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const entry = join(dir, 'entry.ts');
  const protocol = fileURLToPath(new URL('src/pairing/protocol.ts', import.meta.url));
  await writeFile(
    entry,
    `import { generateKeypair, signMessage, verifyMessage } from ${JSON.stringify(protocol)};\n` +
      `export function roundTrip() {\n` +
      `  const k = generateKeypair();\n` +
      `  const sig = signMessage(k.privateKey, Buffer.from('hello'));\n` +
      `  return [verifyMessage(k.publicKey, Buffer.from('hello'), sig), verifyMessage(k.publicKey, Buffer.from('hellO'), sig)];\n` +
      `}\n`,
  );
  const outfile = join(dir, 'out.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    plugins: [lazyBuiltins()],
    banner: {
      js: `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);`,
    },
    logLevel: 'silent',
  });
  const mod = (await import(pathToFileURL(outfile).href)) as {
    roundTrip(): [boolean, boolean];
  };
  assert.deepEqual(mod.roundTrip(), [true, false]);

  // Importing anything but a function of the built-in fails the build, naming it.
  const bad = join(dir, 'bad.ts');
  await writeFile(bad, `import { KeyObject } from 'node:crypto';\nconsole.log(KeyObject);\n`);
  await assert.rejects(
    build({
      entryPoints: [bad],
      write: false,
      bundle: true,
      platform: 'node',
      format: 'esm',
      plugins: [lazyBuiltins()],
      logLevel: 'silent',
    }),
    /No matching export in "lazy-builtin:node:crypto" for import "KeyObject"/,
  );
});
