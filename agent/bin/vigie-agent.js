#!/usr/bin/env -S node --jitless --no-expose-wasm --max-semi-space-size=1 --no-node-snapshot --optimize-for-size
// agent/bin/vigie-agent.js: the `vigie-agent` command. Runs the one-file bundle when it has been built
// (agent/build.js), else the TypeScript sources through tsx, so a fresh checkout works without a build.
// The shebang's V8 flags are agent/build.js's AGENT_NODE_FLAGS (a test keeps the two equal).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/vigie-agent.js', import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}
