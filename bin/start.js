#!/usr/bin/env node
// start: `npm start`. Runs the Electron desktop app when its runtime binary is installed; otherwise says so in
// one line and runs the same core headless (`vigie serve`), which prints its URL.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** electronBinary is the path of Electron's runtime, or a reason why there is none. */
function electronBinary() {
  try {
    const require = createRequire(import.meta.url);
    const pkgDir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile))
      return { reason: 'the electron package has no runtime binary (its download did not run)' };
    const bin = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(bin) ? { bin } : { reason: `the Electron runtime is missing at ${bin}` };
  } catch {
    return { reason: 'the electron package is not installed' };
  }
}

const args = process.argv.slice(2);
const electron = electronBinary();
const root = new URL('..', import.meta.url).pathname;
const child = electron.bin
  ? spawn(electron.bin, [root, ...args], { stdio: 'inherit' })
  : (console.log(`Vigie: no desktop window, ${electron.reason}; running the headless appliance instead.`),
    spawn(process.execPath, [join(root, 'bin', 'vigie.js'), 'serve', ...args], { stdio: 'inherit' }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
