#!/usr/bin/env node
// scripts/lint-electron.js: `npm run lint:electron`. Runs @doyensec/electronegativity over the desktop shell
// (src-main/electron, tests and fakes left out) and fails on any HIGH-severity finding; lower ones are
// printed for review. The tool phones home (translations, Electron's release list): it runs under
// scripts/offline-guard.js so nothing leaves the machine (its release-list check then finds no list).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const cli = join(require.resolve('@doyensec/electronegativity/package.json'), '..', 'dist', 'index.js');
const electronVersion = require('electron/package.json').version;

/** parseCsv splits electronegativity's CSV report into rows of fields. */
function parseCsv(text) {
  // Quoted fields may hold commas, doubled quotes and line breaks (electronegativity's descriptions do).
  const rows = [];
  let row = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' && text[i + 1] === '"' && quoted) {
      cur += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      row.push(cur.trim());
      cur = '';
    } else if ((ch === '\n' || ch === '\r') && !quoted) {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cur.trim());
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      cur = '';
    } else cur += ch;
  }
  row.push(cur.trim());
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

const work = mkdtempSync(join(tmpdir(), 'vigie-electronegativity-'));
try {
  const input = join(work, 'app');
  // --input DIR scans another folder (the test proves a bad shell fails); default: the real shell.
  const at = process.argv.indexOf('--input');
  const src = at > 0 ? process.argv[at + 1] : join(root, 'src-main', 'electron');
  spawnSync('mkdir', ['-p', input]);
  for (const f of readdirSync(src))
    if (f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'fake-electron.ts')
      copyFileSync(join(src, f), join(input, f));
  copyFileSync(join(root, 'package.json'), join(input, 'package.json'));
  const html = join(root, 'dist', 'renderer', 'index.html');
  if (at < 0 && existsSync(html)) copyFileSync(html, join(input, 'index.html'));
  const out = join(work, 'findings.csv');
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      new URL('offline-guard.js', import.meta.url).href,
      cli,
      '-i',
      input,
      '-o',
      out,
      '-r',
      '-e',
      electronVersion,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (!existsSync(out)) {
    process.stderr.write(`lint:electron: electronegativity produced no report\n${run.stdout}${run.stderr}`);
    process.exit(2);
  }
  const rows = parseCsv(readFileSync(out, 'utf8')).slice(1);
  let high = 0;
  for (const [issue, severity, confidence, file, location, , description] of rows) {
    if (severity === 'HIGH' || severity === 'CRITICAL') high++;
    console.log(
      `${(severity ?? '?').padEnd(13)} ${(confidence ?? '?').padEnd(9)} ${issue} ${file}:${location} ${description}`,
    );
  }
  console.log(
    `lint:electron: ${rows.length} finding(s), ${high} high-severity (electron ${electronVersion})`,
  );
  process.exit(high > 0 ? 1 : 0);
} finally {
  rmSync(work, { recursive: true, force: true });
}
