import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorRegistry } from '@visage/contracts';
import { allErrorMessages } from './cli-errors.js';

const errorsDoc = readFileSync(fileURLToPath(new URL('../../../docs/errors.md', import.meta.url)), 'utf8');

describe('docs/errors.md', () => {
  // Engine and CLI codes, and the platform registry's (its own test checks those are documented).
  const codes = [...Object.keys(allErrorMessages), ...Object.keys(errorRegistry)];

  it('documents every registered error code', () => {
    const undocumented = codes.filter((code) => !errorsDoc.includes(`\`${code}\``));
    expect(undocumented).toEqual([]);
  });

  it('documents no code that does not exist', () => {
    const documented = [...errorsDoc.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.filter((code) => !codes.includes(code!))).toEqual([]);
  });
});
