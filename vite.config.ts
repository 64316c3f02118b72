// vite.config.ts: builds the renderer (src-renderer/) into dist/renderer, which `vigie serve` and the
// Electron window serve at `/`. Routes are lazy chunks; Chart.js and CodeMirror get chunks of their own so
// the main route's JavaScript stays small.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./src-renderer', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [vue()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: {
    host: '127.0.0.1',
    // `npm run dev:ui` proxies the API to a running `vigie serve` (VIGIE_URL, default its usual address).
    proxy: { '/api': process.env.VIGIE_URL ?? 'http://127.0.0.1:9742' },
  },
});
