#!/usr/bin/env node
// agent/build.js: bundles the agent's CLI into ONE file, agent/dist/vigie-agent.js, that runs on any machine
// with Node (no node_modules, no tsx). scripts/build.js calls buildAgent(); `node agent/build.js` runs it alone.
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = new URL('.', import.meta.url);

/**
 * AGENT_NODE_FLAGS are the V8 flags the agent runs under (the bundle's shebang, and agent/bin's): measured by
 * bench/agent-footprint.ts, no JIT and a 1 MB young generation take ~9 MB off the RSS of an idle-most-of-
 * the-time agent at no visible CPU cost per scrape. `env -S` is needed to pass them (coreutils 8.30+, macOS;
 * not BusyBox: there run `node agent/dist/vigie-agent.js`).
 */
export const AGENT_NODE_FLAGS = ['--jitless', '--no-expose-wasm', '--max-semi-space-size=1'];

/** buildAgent writes agent/dist/vigie-agent.js (ESM, minified, with a node shebang carrying AGENT_NODE_FLAGS) and returns its path. */
export async function buildAgent() {
  const outfile = fileURLToPath(new URL('dist/vigie-agent.js', here));
  await build({
    entryPoints: [fileURLToPath(new URL('src/cli.ts', here))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    // The createRequire line lets bundled CommonJS dependencies (bonjour-service, for the mDNS advert)
    // require Node's built-ins from inside the ESM bundle.
    banner: {
      js:
        `#!/usr/bin/env -S node ${AGENT_NODE_FLAGS.join(' ')}\n` +
        `import { createRequire as __vigieCreateRequire } from 'node:module';\n` +
        `const require = __vigieCreateRequire(import.meta.url);`,
    },
    logLevel: 'warning',
  });
  await chmod(outfile, 0o755);
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildAgent();
  console.log(`built ${out}`);
}
