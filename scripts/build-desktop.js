#!/usr/bin/env node
// scripts/build-desktop.js: bundles the Electron shell for the desktop app and its installers: the main
// process to dist/electron-main.js (ESM; dependencies stay in node_modules, DuckDB's native module among
// them) and the sandboxed preload to dist/electron-preload.cjs (one CommonJS file: a sandboxed preload can
// only require electron), plus the installers' icon, drawn here (dist/desktop-resources/icon.png).
// `node scripts/build-desktop.js` runs it alone.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
const path = (p) => fileURLToPath(new URL(p, root));

/** buildDesktop writes the two bundles and returns their paths. */
export async function buildDesktop() {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    sourcemap: 'linked',
  };
  const main = path('dist/electron-main.js');
  const preload = path('dist/electron-preload.cjs');
  await build({
    ...common,
    entryPoints: [path('src-main/electron/main.ts')],
    outfile: main,
    format: 'esm',
    packages: 'external',
  });
  await build({
    ...common,
    entryPoints: [path('src-main/electron/preload.ts')],
    outfile: preload,
    format: 'cjs',
    external: ['electron'],
  });
  const icon = path('dist/desktop-resources/icon.png');
  mkdirSync(path('dist/desktop-resources'), { recursive: true });
  writeFileSync(icon, iconPng(1024));
  return [main, preload, icon];
}

/** CRC_TABLE is PNG's CRC-32 table (zlib.crc32 is not in every Node 20). */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** crc32 is PNG's chunk checksum. */
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** chunk frames one PNG chunk. */
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * iconPng draws Vigie's icon as an RGBA PNG: a watchful green ring (the tray's "all clear" colour) with a
 * pupil, on a dark rounded square. Drawn in code so the repository holds no binary artwork.
 */
export function iconPng(size) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  const c = size / 2;
  const corner = size * 0.2;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const i = y * (size * 4 + 1) + 1 + x * 4;
      const dx = Math.max(Math.abs(x + 0.5 - c) - (c - corner), 0);
      const dy = Math.max(Math.abs(y + 0.5 - c) - (c - corner), 0);
      const inside = Math.hypot(dx, dy) <= corner;
      const d = Math.hypot(x + 0.5 - c, y + 0.5 - c) / size;
      const ring = d > 0.3 && d < 0.38;
      const pupil = d < 0.14;
      const [r, g, b] = ring || pupil ? [0x16, 0xa3, 0x4a] : [0x11, 0x14, 0x18];
      raw.set([r, g, b, inside ? 255 : 0], i);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const out of await buildDesktop()) console.log(`built ${out}`);
}
