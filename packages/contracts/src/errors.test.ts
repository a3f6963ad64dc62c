import { describe, expect, it } from 'vitest';
import { codeGroups, errorRegistry, isErrorCode, resultRegistry } from './errors.js';

// docs/errors.md is generated from these registries; packages/cli/src/error-codes.test.ts fails when it drifts.
const entries = [...Object.entries(resultRegistry), ...Object.entries(errorRegistry)];

describe('code registry', () => {
  it('uses namespaced codes, each with a message, a hint and a documented group', () => {
    for (const [code, entry] of entries) {
      expect(code).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(entry.message, code).toMatch(/^[A-Z].*\.$/);
      expect(entry.hint, code).toMatch(/\S/);
      expect(Object.keys(codeGroups), code).toContain(entry.group);
      const details = (entry as { details?: string }).details;
      if (details !== undefined) expect(details, code).toMatch(/\S/);
    }
  });

  it('never registers a code twice', () => {
    expect(Object.keys(resultRegistry).filter((code) => Object.hasOwn(errorRegistry, code))).toEqual([]);
  });

  it('answers results with 200 and bills them', () => {
    for (const [code, entry] of Object.entries(resultRegistry)) {
      expect(code).toMatch(/^result\./);
      expect(entry.status, code).toBe(200);
      expect(entry.billed, code).toBe(true);
      expect(entry.group, code).toBe('result');
    }
  });

  it('answers errors with client or server error statuses and never bills them', () => {
    for (const [code, entry] of Object.entries(errorRegistry)) {
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
      expect(entry.billed, code).toBe(false);
      expect(entry.group, code).not.toBe('result');
    }
  });

  it('tells error codes from other strings', () => {
    expect(isErrorCode('signature.invalid')).toBe(true);
    expect(isErrorCode('result.match')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });
});
