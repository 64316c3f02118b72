#!/usr/bin/env node
// agent/build.js: bundles the agent's CLI into ONE file, agent/dist/vigie-agent.js, that runs on any machine
// with Node (no node_modules, no tsx). scripts/build.js calls buildAgent(); `node agent/build.js` runs it alone.
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = new URL('.', import.meta.url);

/**
 * AGENT_NODE_FLAGS are the V8 and Node flags the agent runs under (the bundle's shebang, agent/bin's, the
 * service's), measured by bench/agent-footprint.ts (RSS at the end of 30 s of one scrape a second, same run):
 * no JIT and a 1 MB young generation take ~3 MB off the RSS at no visible CPU cost per scrape;
 * --no-node-snapshot builds Node's bootstrap heap instead of mapping the built-in snapshot, ~1.5 MB fewer
 * file-backed pages for ~0.1 s more CPU at start; --optimize-for-size makes V8 keep a tighter heap, ~1.2 MB
 * less anonymous memory for ~5% more CPU per scrape. `env -S` is needed to pass them (coreutils 8.30+,
 * macOS; not BusyBox: there run `node agent/dist/vigie-agent.js`).
 */
export const AGENT_NODE_FLAGS = [
  '--jitless',
  '--no-expose-wasm',
  '--max-semi-space-size=1',
  '--no-node-snapshot',
  '--optimize-for-size',
];

/**
 * LAZY_BUILTINS are Node built-ins the bundle loads on first use instead of at start. node:crypto costs ~1.5 MB
 * of RSS (measured by bench/agent-footprint.ts) and only pairing needs it, so an agent run with --no-mdns never
 * loads it. Static ESM imports of externals are always evaluated at start, so the plugin below swaps
 * `import { sign } from 'node:crypto'` for a module of wrappers that require() the built-in when first called.
 */
const LAZY_BUILTINS = /^node:crypto$/;

/**
 * lazyBuiltins is the esbuild plugin behind LAZY_BUILTINS. It wraps the built-in's lower-case function exports
 * only (classes need `new`, objects need a live binding): importing anything else from it fails the build
 * with esbuild's "No matching export" error, naming the file and the name.
 */
export function lazyBuiltins() {
  return {
    name: 'lazy-builtins',
    setup(b) {
      // The wrappers' own require() of the built-in stays external (a plain runtime require).
      b.onResolve({ filter: LAZY_BUILTINS }, (args) =>
        args.namespace === 'lazy-builtin'
          ? { path: args.path, external: true }
          : { path: args.path, namespace: 'lazy-builtin' },
      );
      b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, async (args) => {
        const mod = await import(args.path);
        const names = Object.keys(mod).filter((n) => /^[a-z]\w*$/.test(n) && typeof mod[n] === 'function');
        const id = JSON.stringify(args.path);
        return {
          loader: 'js',
          contents:
            `let m;\nconst get = () => (m ??= require(${id}));\n` +
            names.map((n) => `export function ${n}(...a) { return get().${n}(...a); }`).join('\n'),
        };
      });
    },
  };
}

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
    plugins: [lazyBuiltins()],
    logLevel: 'warning',
  });
  await chmod(outfile, 0o755);
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildAgent();
  console.log(`built ${out}`);
}
