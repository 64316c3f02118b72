#!/usr/bin/env node
// scripts/build.js: builds what ships as files (run by `npm install` through `prepare`): the agent as one
// bundled script. Parts that are not in the tree yet are skipped with a line saying so.
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url);
if (existsSync(new URL('agent/build.js', root))) {
  const { buildAgent } = await import(new URL('agent/build.js', root).href);
  await buildAgent();
} else {
  console.log('build: agent/build.js not found, agent bundle skipped');
}
