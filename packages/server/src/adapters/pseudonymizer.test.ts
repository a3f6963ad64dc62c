import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPseudonymizer } from './pseudonymizer.js';

describe('pseudonymizer', () => {
  it('is stable per master key, differs between keys, and is not the plain SHA-256', () => {
    const key = randomBytes(32);
    const pseudonym = createPseudonymizer(key);
    expect(pseudonym('user-42')).toBe(createPseudonymizer(Buffer.from(key))('user-42'));
    expect(pseudonym('user-42')).not.toBe(createPseudonymizer(randomBytes(32))('user-42'));
    expect(pseudonym('user-42')).not.toBe(createHash('sha256').update('user-42').digest('hex'));
    expect(pseudonym('user-42')).toMatch(/^[0-9a-f]{64}$/);
  });
});
