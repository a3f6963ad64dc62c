import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  engineCodeSection,
  renderConfigDoc,
  renderErrorsDoc,
  renderOpenApi,
  serverVersion,
  type InternalCodeSection,
} from '@visage/server';
import { cliErrorMessages, cliErrorNotes, type CliErrorCode } from '../cli-errors.js';
import { sdkErrorMessages, sdkErrorNotes, type SdkErrorCode } from '@visage/sdk';

/** A file generated from the code, relative to the repository root. */
export interface GeneratedDoc {
  readonly path: string;
  render(): string | Promise<string>;
}

/** The CLI's own codes, for docs/errors.md. */
export function cliCodeSection(): InternalCodeSection {
  return {
    title: 'CLI',
    intro:
      'The `visage` command reports these besides the engine’s codes; with `--json` as `{"error":{"code","message","details"?}}`. ' +
      'The exit code is 1, or 70 for `cli.internal`.',
    codes: Object.fromEntries(
      (Object.keys(cliErrorMessages) as CliErrorCode[]).map((code) => [
        code,
        { message: cliErrorMessages[code], ...cliErrorNotes[code] },
      ]),
    ),
  };
}

/** The SDK's own codes (no answer from the server), for docs/errors.md. */
export function sdkCodeSection(): InternalCodeSection {
  return {
    title: 'SDK',
    intro:
      'The SDK (`@visage/sdk`, docs/sdk.md) throws these as `VisageConnectionError` (or `VisageServerError` for an error status without an error body) when no Visage answer came back; every other error it throws carries the server’s code. The CLI’s remote commands report them too.',
    codes: Object.fromEntries(
      (Object.keys(sdkErrorMessages) as SdkErrorCode[]).map((code) => [
        code,
        { message: sdkErrorMessages[code], ...sdkErrorNotes[code] },
      ]),
    ),
  };
}

/** Every generated doc: one more is one more line. */
export const generatedDocs: readonly GeneratedDoc[] = [
  { path: 'docs/errors.md', render: () => renderErrorsDoc([engineCodeSection(), sdkCodeSection(), cliCodeSection()]) },
  { path: 'docs/config.md', render: renderConfigDoc },
  { path: 'openapi/openapi.json', render: () => renderOpenApi(serverVersion) },
];

/** The repository root, from this file's place in it (src/commands or dist/commands of packages/cli). */
export const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export interface DocsResult {
  /** True for `--check`: nothing was written. */
  readonly check: boolean;
  /** Files that differed from their rendering: rewritten, or (with `--check`) out of date. */
  readonly changed: readonly string[];
  readonly unchanged: readonly string[];
}

/** Renders every generated doc and writes those that changed; with `check`, only compares. */
export async function generateDocs(options: {
  readonly check: boolean;
  readonly root?: string;
  readonly docs?: readonly GeneratedDoc[];
}): Promise<DocsResult> {
  const root = options.root ?? repositoryRoot;
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const doc of options.docs ?? generatedDocs) {
    const file = join(root, doc.path);
    const rendered = await doc.render();
    const current = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (current === rendered) {
      unchanged.push(doc.path);
      continue;
    }
    changed.push(doc.path);
    if (!options.check) {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, rendered);
    }
  }
  return { check: options.check, changed, unchanged };
}

export function formatDocs(result: DocsResult): string {
  if (result.check) {
    return result.changed.length === 0
      ? `generated docs are up to date: ${result.unchanged.join(', ')}`
      : result.changed.map((path) => `${path} is out of date: run \`npm run docs\``).join('\n');
  }
  return [
    ...result.changed.map((path) => `wrote ${path}`),
    ...result.unchanged.map((path) => `${path} unchanged`),
  ].join('\n');
}
