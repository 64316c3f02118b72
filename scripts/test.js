#!/usr/bin/env node
// scripts/test.js: one entry for every test of the repo, run by Node's own test runner with tsx.
// Unit tests sit beside their code (x.test.ts); cross-process tests live under test/. `--unit` runs only
// the former; a path filter (`node scripts/test.js storage`) keeps files whose path contains it.
import { spawnSync } from 'node:child_process';
import { lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));
const roots = unitOnly
  ? ['src-main', 'agent', 'src-renderer']
  : ['src-main', 'agent', 'src-renderer', 'test'];

/** walk lists the test files below dir, skipping dependencies and build output. */
function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    // lstat: a symlink (e.g. in a sysfs fixture tree) is never followed, so a loop cannot hide tests.
    if (lstatSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = roots
  .flatMap((r) => {
    try {
      return walk(join(root, r), []);
    } catch {
      return [];
    }
  })
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
