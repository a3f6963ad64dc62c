import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain-error.js';
import { createIdempotency, type IdempotencyRepository } from './idempotency.service.js';

const untouchable = new Proxy({} as IdempotencyRepository, {
  get: () => () => Promise.reject(new Error('the repository must not be reached')),
});

describe('idempotency keys', () => {
  const idempotency = createIdempotency({ repo: untouchable, clock: { now: () => new Date() } });

  it('refuses keys that are empty, longer than 255 characters or not printable ASCII', async () => {
    for (const key of ['', 'k'.repeat(256), 'clé', 'line\nbreak', 'tab\t', '\x7f']) {
      const outcome = await idempotency
        .begin({ scope: 'org_1', key, requestHash: 'h' })
        .catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(DomainError);
      expect((outcome as DomainError).code).toBe('idempotency.invalid_key');
    }
  });

  it('passes keys of printable ASCII up to 255 characters on to storage', async () => {
    for (const key of ['k'.repeat(255), 'a b~!', '6f1c2a36-8d1e-4b8f-9a41-1f0c4b7e2d55']) {
      await expect(idempotency.begin({ scope: 'org_1', key, requestHash: 'h' })).rejects.toThrow(
        'the repository must not be reached',
      );
    }
  });
});
