import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * One single-page app for both consoles, served by the server under /console/ (assets) with index.html for /console/*
 * and /admin/*. The operator side is a lazily loaded chunk (src/admin/AdminApp.tsx).
 */
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  resolve: {
    alias: {
      // The signing rules are plain functions without Node dependencies: the "try it" panel reuses them.
      '@visage/contracts/signing': fileURLToPath(new URL('../../packages/contracts/src/signing.ts', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/console/api': 'http://127.0.0.1:8080',
      '/admin/api': 'http://127.0.0.1:8080',
      '/v1': 'http://127.0.0.1:8080',
    },
  },
});
