import { format } from 'prettier';
import { describe, expect, it } from 'vitest';
import { configVariables } from '../config/config.schema.js';
import { renderConfigDoc } from './render-config.js';

const doc = renderConfigDoc();
const rowOf = (name: string): string[] | undefined =>
  doc
    .split('\n')
    .find((line) => line.startsWith(`| \`${name}\` `))
    ?.slice(2, -2)
    .split(' | ')
    .map((cell) => cell.trim());

describe('renderConfigDoc', () => {
  it('lists every variable with its default and description', () => {
    for (const name of configVariables) expect(rowOf(name), name).toBeDefined();
    expect(rowOf('PORT')?.slice(0, 2)).toEqual(['`PORT`', '`8080`']);
    expect(rowOf('HOST')?.[1]).toBe('`127.0.0.1`');
    expect(rowOf('VISAGE_BODY_LIMIT_BYTES')?.[1]).toBe('`31457280`');
    expect(rowOf('VISAGE_ENGINE_WORKERS')?.[1]).toBe('the number of CPU cores');
    expect(rowOf('VISAGE_ENGINE_MAX_QUEUE')?.[1]).toBe('16 × VISAGE_ENGINE_WORKERS');
    expect(rowOf('VISAGE_MASTER_KEY')?.[2]).toMatch(/^Base64 of the 32-byte key/);
  });

  it('does not depend on the machine it runs on', () => {
    expect(doc).not.toContain(process.cwd());
  });

  it('explains precedence and where run-time settings live', () => {
    expect(doc).toMatch(/command-line flag .* wins over the environment, which wins\nover the default/);
    expect(doc).toContain('live in the database');
  });

  it('lists the other VISAGE_ variables the server lets through', () => {
    expect(rowOf('VISAGE_DEBUG')).toBeDefined();
  });

  it('is laid out as prettier lays it out', async () => {
    expect(await format(doc, { parser: 'markdown', printWidth: 120, singleQuote: true })).toBe(doc);
  });
});
