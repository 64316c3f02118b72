import type { Plugin } from 'esbuild';

/** buildAgent bundles agent/src/cli.ts into agent/dist/vigie-agent.js and returns that path. */
export function buildAgent(): Promise<string>;
/** AGENT_NODE_FLAGS are the V8 flags of the bundle's shebang and agent/bin's. */
export const AGENT_NODE_FLAGS: readonly string[];
/** lazyBuiltins is the esbuild plugin that loads node:crypto on first use in the bundle. */
export function lazyBuiltins(): Plugin;
