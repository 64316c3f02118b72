#!/usr/bin/env node
// scripts/build.js: builds what ships as files (run by `npm install` through `prepare`): the agent as one
// bundled script, and the renderer (vite.config.ts → dist/renderer). Parts that are not in the tree yet, or
// whose tools are not installed, are skipped with a line saying so.
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url);
if (existsSync(new URL('agent/build.js', root))) {
  const { buildAgent } = await import(new URL('agent/build.js', root).href);
  await buildAgent();
} else {
  console.log('build: agent/build.js not found, agent bundle skipped');
}

if (!existsSync(new URL('vite.config.ts', root)) || !existsSync(new URL('src-renderer/index.html', root))) {
  console.log('build: no renderer sources, UI build skipped');
} else {
  let vite;
  try {
    vite = await import('vite');
  } catch {
    console.log('build: vite is not installed (production install?), UI build skipped');
  }
  if (vite !== undefined) {
    await vite.build({ configFile: new URL('vite.config.ts', root).pathname, logLevel: 'warn' });
    console.log('build: renderer built into dist/renderer');
  }
}

// The desktop shell's bundles (dist/electron-main.js, dist/electron-preload.cjs): needs esbuild, a dev tool.
if (!existsSync(new URL('src-main/electron/main.ts', root))) {
  console.log('build: no desktop shell sources, desktop bundle skipped');
} else {
  let desktop;
  try {
    desktop = await import(new URL('scripts/build-desktop.js', root).href);
  } catch (err) {
    console.log(
      `build: desktop bundle skipped (${err.code === 'ERR_MODULE_NOT_FOUND' ? 'esbuild is not installed' : err.message})`,
    );
  }
  if (desktop !== undefined) {
    await desktop.buildDesktop();
    console.log('build: desktop shell built into dist/electron-main.js and dist/electron-preload.cjs');
  }
}
