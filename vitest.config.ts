import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (name: string, file = 'index.ts') =>
  fileURLToPath(new URL(`./packages/${name}/src/${file}`, import.meta.url));

export default defineConfig({
  // Tests import the other workspaces' sources, not their dist/, so a test sees the code beside it without a build.
  // The engine is the exception: its pool runs compiled worker files, so its tests use the built package.
  resolve: {
    alias: [
      // Test support (fresh databases on both dialects, a whole test platform) for the other packages' tests.
      { find: '@visage/core/testing', replacement: source('core', 'testing/index.ts') },
      { find: '@visage/storage/testing', replacement: source('storage', 'testing/index.ts') },
      { find: '@visage/server/testing', replacement: source('server', 'testing/index.ts') },
      ...['contracts', 'sdk', 'core', 'storage', 'server'].map((name) => ({
        find: `@visage/${name}`,
        replacement: source(name),
      })),
    ],
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/capture/src/**/*.test.ts',
      'apps/console/src/**/*.test.ts',
      'scripts/**/*.test.mjs',
      'e2e/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
