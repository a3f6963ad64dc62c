import { defineConfig } from 'vite';

/**
 * The hosted capture page: plain TypeScript and the DOM, no framework (the whole page must load fast on a phone).
 * Served by the server under /capture/ (assets), with index.html for /capture/:token; its JSON API is /capture/api.
 */
export default defineConfig({
  base: '/capture/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2020',
  },
  server: {
    proxy: {
      '/capture/api': 'http://127.0.0.1:8080',
    },
  },
});
