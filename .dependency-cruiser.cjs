/** Dependency direction from ../shared/DESIGN.md §2: contracts and engine depend on nothing internal. */
module.exports = {
  forbidden: [
    {
      name: 'engine-is-a-leaf',
      comment: 'The face engine knows nothing of tenants, HTTP, SQL or the CLI.',
      severity: 'error',
      from: { path: '^packages/engine/' },
      to: { path: '^packages/(?!engine/)|node_modules/@visage/(?!engine)' },
    },
    {
      name: 'core-has-no-infrastructure',
      comment:
        'Domain services see only their ports: no SQL, HTTP, ONNX, file system, environment or other packages (their tests and test support may use node:crypto).',
      severity: 'error',
      from: { path: '^packages/core/src/', pathNot: '(\\.test\\.ts|/testing/.*)$' },
      to: {
        path: '^packages/(?!(core|contracts)/)|node_modules/(?!@visage/contracts)|^(node:)?(fs|path|crypto|child_process|os|worker_threads)$',
      },
    },
    {
      name: 'sdk-depends-on-contracts-only',
      comment:
        "The SDK runs on customers' servers and in browsers: contracts and the web platform (fetch, WebCrypto) only; its tests may start a real server.",
      severity: 'error',
      from: { path: '^packages/sdk/src/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^packages/(?!(sdk|contracts)/)|node_modules/(?!(@visage/contracts|zod)/)|^node:|^(fs|path|crypto|http|https|child_process|os|net|url|buffer|worker_threads)$',
      },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-reaching-into-other-packages',
      comment: 'Packages use each other through their public entry point, never by relative path.',
      severity: 'error',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/([^/]+)/', pathNot: ['^packages/$1/', '^packages/[^/]+/src/(testing/)?index\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^packages/[^/]+/dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
