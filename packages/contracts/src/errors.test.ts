import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorRegistry } from './errors.js';

describe('error registry', () => {
  it('is documented in docs/errors.md, code by code', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    expect(Object.keys(errorRegistry).filter((code) => !doc.includes(`\`${code}\``))).toEqual([]);
  });

  it('uses namespaced codes and client or server error statuses', () => {
    for (const [code, entry] of Object.entries(errorRegistry)) {
      expect(code).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
    }
  });
});
