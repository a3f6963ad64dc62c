import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestPlatform, type TestPlatform } from '@visage/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The README's example, run as written: the first ```js block of packages/sdk/README.md is saved as example.mjs in
 * an empty folder whose node_modules holds only @visage/sdk (the built package, `npx tsc -b packages/sdk`), next to
 * selfie.jpg and id-photo.jpg, and run with node against a real server.
 */
const sdkDir = fileURLToPath(new URL('../', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/${name}`, import.meta.url));

function readmeExample(markdown: string): string {
  const match = /^## Example\n[\s\S]*?^```js\n([\s\S]*?)^```$/m.exec(markdown);
  if (!match?.[1]) throw new Error('README.md has no ```js block under "## Example"');
  return match[1];
}

describe('the README example', () => {
  let t: TestPlatform;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    expect(existsSync(join(sdkDir, 'dist/index.js')), 'build the SDK first: npx tsc -b packages/sdk').toBe(true);
    t = await startTestPlatform();
    base = await t.platform.app.listen({ host: '127.0.0.1', port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'visage-sdk-readme-'));
    mkdirSync(join(dir, 'node_modules/@visage'), { recursive: true });
    symlinkSync(sdkDir, join(dir, 'node_modules/@visage/sdk'), 'dir');
    copyFileSync(fixture('lfw-anthony-fauci-0001.jpg'), join(dir, 'selfie.jpg'));
    copyFileSync(fixture('lfw-anthony-fauci-0002.jpg'), join(dir, 'id-photo.jpg'));
    writeFileSync(join(dir, 'example.mjs'), readmeExample(readFileSync(join(sdkDir, 'README.md'), 'utf8')));
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs as written and prints the comparison and the capture session', async () => {
    const { key } = await t.customer({ mode: 'sandbox' });
    const inherited = withoutKeyVariables(process.env);
    const output = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['example.mjs'],
        {
          cwd: dir,
          env: { ...inherited, VISAGE_API_URL: base, VISAGE_KEY_ID: key.keyId, VISAGE_KEY_SECRET: key.secret },
          timeout: 60_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
      );
    });
    expect(output.stderr).toBe('');
    expect(output.code).toBe(0);
    const lines = output.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^same person \d+(\.\d+)? result\.match$/);
    // The link is on the server's public URL (VISAGE_PUBLIC_URL), not necessarily the address the test calls.
    expect(lines[1]).toMatch(/^send the person to https?:\/\/[^ ]+\/capture\/[A-Za-z0-9_-]{16,}$/);
    expect(lines[2]).toMatch(/^session cap_[A-Za-z0-9_-]+ not_started$/);
  });

  it('fails loudly with the server’s code when the key is wrong', async () => {
    const inherited = withoutKeyVariables(process.env);
    const output = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['example.mjs'],
        {
          cwd: dir,
          env: { ...inherited, VISAGE_API_URL: base, VISAGE_KEY_ID: 'key_unknown', VISAGE_KEY_SECRET: 'nope' },
          timeout: 60_000,
        },
        (error, _stdout, stderr) => resolve({ code: error ? 1 : 0, stderr }),
      );
    });
    expect(output.code).toBe(1);
    expect(output.stderr).toMatch(/^signature\.invalid .* req_[A-Za-z0-9_-]+\n/);
  });
});

/** The environment without the key variables: only those the test sets, not whatever the developer's shell has. */
function withoutKeyVariables(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const names = new Set(['VISAGE_API_URL', 'VISAGE_KEY_ID', 'VISAGE_KEY_SECRET']);
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.has(name)));
}
