import { codeGroups, errorRegistry, resultRegistry } from '@visage/contracts';
import { engineErrorMessages } from '@visage/engine';
import { format } from 'prettier';
import { describe, expect, it } from 'vitest';
import { engineCodeSection, renderErrorsDoc, type InternalCodeSection } from './render-errors.js';

const cliSection: InternalCodeSection = {
  title: 'CLI',
  intro: 'The command’s own codes.',
  codes: { 'cli.example': { message: 'An example | with a pipe.', hint: 'Nothing.', details: 'More.' } },
};
const doc = renderErrorsDoc([engineCodeSection(), cliSection]);
const rowOf = (code: string): string[] => {
  const line = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` `));
  if (!line) throw new Error(`${code} is not in the table`);
  return line
    .slice(2, -2)
    .split(/ (?<!\\)\| /)
    .map((cell) => cell.trim());
};

describe('renderErrorsDoc', () => {
  it('lists every registry code under its group, with status, billing, meaning and hint', () => {
    for (const [code, entry] of [...Object.entries(resultRegistry), ...Object.entries(errorRegistry)]) {
      const details = (entry as { details?: string }).details;
      expect(rowOf(code)).toEqual([
        `\`${code}\``,
        String(entry.status),
        entry.billed ? 'yes' : 'no',
        details ? `${entry.message} ${details}` : entry.message,
        entry.hint,
      ]);
      const section = doc.lastIndexOf('\n## ', doc.indexOf(`| \`${code}\` `));
      expect(doc.slice(section + 4, doc.indexOf('\n', section + 1)), code).toBe(codeGroups[entry.group]);
    }
  });

  it('keeps the richer notes moved from the hand-written page', () => {
    expect(rowOf('image.too_large')[3]).toContain('default 40 MP; `details`: width, height and maxPixels');
    expect(rowOf('face.multiple')[3]).toContain('`details.count`');
  });

  it('documents the engine’s internal codes with what the server answers instead', () => {
    const internal = Object.keys(engineErrorMessages).filter((code) => !Object.hasOwn(errorRegistry, code));
    expect(internal.length).toBeGreaterThan(0);
    for (const code of internal) expect(rowOf(code)).toHaveLength(4);
    expect(rowOf('engine.overloaded')[3]).toBe('`service.overloaded`');
    expect(rowOf('engine.timeout')[3]).toBe('`service.timeout`');
    expect(rowOf('engine.closed')[3]).toBe('`service.unavailable`');
    expect(rowOf('model.integrity')[3]).toBe('`internal.error`');
    expect(rowOf('template.model_mismatch')[1]).toMatch(/^The two templates come from different embedding models/);
    // Image and face codes are the registry's: listed once, in its table.
    expect(doc.match(/^\| `image\.too_large` /gm)).toHaveLength(1);
  });

  it('adds the sections passed in, escaping table syntax', () => {
    expect(doc).toContain('## CLI\n\nThe command’s own codes.\n\n| code ');
    expect(rowOf('cli.example')).toEqual(['`cli.example`', 'An example \\| with a pipe. More.', 'Nothing.']);
  });

  it('is laid out as prettier lays it out, so `prettier --check` passes', async () => {
    expect(await format(doc, { parser: 'markdown', printWidth: 120, singleQuote: true })).toBe(doc);
  });
});
