import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeGroups, errorRegistry, resultRegistry } from '@visage/contracts';
import { engineErrorMessages } from '@visage/engine';
import { describe, expect, it } from 'vitest';
import { sdkErrorMessages } from '@visage/sdk';
import { cliErrorMessages } from './cli-errors.js';
import { generateDocs, generatedDocs, repositoryRoot } from './commands/docs.command.js';

describe('generated docs', () => {
  // `npm run docs` rewrites them; this fails when someone changed a code, a message or a variable and did not.
  it.each(generatedDocs.map((doc) => doc.path))('%s matches the code', async (path) => {
    const doc = generatedDocs.find((d) => d.path === path)!;
    expect(readFileSync(join(repositoryRoot, path), 'utf8')).toBe(await doc.render());
  });

  it('docs/errors.md documents every code once: registry, engine and CLI', async () => {
    const rendered = await generatedDocs.find((d) => d.path === 'docs/errors.md')!.render();
    const documented = [...rendered.matchAll(/^\| `([a-z_]+\.[a-z_]+)` +\|/gm)].map((m) => m[1]);
    const codes = new Set([
      ...Object.keys(resultRegistry),
      ...Object.keys(errorRegistry),
      ...Object.keys(engineErrorMessages),
      ...Object.keys(cliErrorMessages),
      ...Object.keys(sdkErrorMessages),
    ]);
    expect([...documented].sort()).toEqual([...codes].sort());
    for (const title of Object.values(codeGroups)) expect(rendered).toContain(`## ${title}\n`);
  });
});

describe('generateDocs', () => {
  it('writes what changed, and with check only names the files that differ', async () => {
    const root = mkdtempSync(join(tmpdir(), 'visage-docs-'));
    try {
      await mkdir(join(root, 'docs'));
      writeFileSync(join(root, 'docs/b.md'), 'B\n');
      const docs = [
        { path: 'docs/a.md', render: () => 'A\n' },
        { path: 'docs/b.md', render: async () => 'B\n' },
      ];
      expect(await generateDocs({ check: true, root, docs })).toEqual({
        check: true,
        changed: ['docs/a.md'],
        unchanged: ['docs/b.md'],
      });
      expect(() => readFileSync(join(root, 'docs/a.md'))).toThrow();

      expect(await generateDocs({ check: false, root, docs })).toEqual({
        check: false,
        changed: ['docs/a.md'],
        unchanged: ['docs/b.md'],
      });
      expect(readFileSync(join(root, 'docs/a.md'), 'utf8')).toBe('A\n');
      expect((await generateDocs({ check: true, root, docs })).changed).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('visage docs --check (built CLI)', () => {
  it('exits 0 and says the committed docs are up to date', async () => {
    const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url));
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [cli, 'docs', '--check'], (error, stdout) =>
        resolve({ code: error ? Number(error.code) : 0, stdout }),
      );
    });
    expect(result).toEqual({
      code: 0,
      stdout: 'generated docs are up to date: docs/errors.md, docs/config.md, openapi/openapi.json\n',
    });
  });
});
