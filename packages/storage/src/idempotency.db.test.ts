import { createIdempotency, DomainError, type Idempotency } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VisageDatabase } from './database.js';
import { createIdempotencyRepository } from './idempotency.repository.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

const outcomeOf = (promise: Promise<unknown>) =>
  promise.then(
    (value) => value,
    (error: unknown) => (error instanceof DomainError ? { code: error.code, details: error.details } : error),
  );

for (const dialect of dialectNames) {
  describe(`idempotency records on ${dialect}`, () => {
    let database: VisageDatabase;
    let idempotency: Idempotency;
    let now: Date;
    const clock = { now: () => now };
    const advance = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));
    const first = { scope: 'org_a', key: 'key-1', requestHash: 'hash-1' };

    beforeEach(async () => {
      now = new Date('2026-11-29T09:00:00Z');
      database = await freshDatabase(dialect);
      idempotency = createIdempotency({ repo: createIdempotencyRepository(database), clock, lockSeconds: 60 });
    });
    afterEach(() => database.destroy());

    it('runs the first request and replays its answer to repeats', async () => {
      expect(await idempotency.begin(first)).toEqual({ kind: 'new' });
      await idempotency.complete({ scope: 'org_a', key: 'key-1', status: 200, body: '{"id":"ver_1"}' });
      advance(3600);
      expect(await idempotency.begin(first)).toEqual({ kind: 'replay', status: 200, body: '{"id":"ver_1"}' });
      expect(await idempotency.begin({ ...first, scope: 'org_b' })).toEqual({ kind: 'new' });
    });

    it('refuses the same key with another request, even while the first is running', async () => {
      await idempotency.begin(first);
      expect(await outcomeOf(idempotency.begin({ ...first, requestHash: 'hash-2' }))).toEqual({
        code: 'idempotency.mismatch',
        details: undefined,
      });
      await idempotency.complete({ scope: 'org_a', key: 'key-1', status: 402, body: '{}' });
      expect(await outcomeOf(idempotency.begin({ ...first, requestHash: 'hash-2' }))).toMatchObject({
        code: 'idempotency.mismatch',
      });
    });

    it('tells a concurrent repeat when to retry, and lets a retry take over once the lock has passed', async () => {
      await idempotency.begin(first);
      advance(20.5);
      expect(await outcomeOf(idempotency.begin(first))).toEqual({
        code: 'idempotency.in_progress',
        details: { retry_after_seconds: 40 },
      });
      advance(40);
      expect(await outcomeOf(idempotency.begin({ ...first, requestHash: 'hash-2' }))).toMatchObject({
        code: 'idempotency.mismatch',
      });
      expect(await idempotency.begin(first)).toEqual({ kind: 'new' });
      expect(await outcomeOf(idempotency.begin(first))).toMatchObject({ code: 'idempotency.in_progress' });
    });

    it('forgets an abandoned request, so that a retry runs, but never a completed one', async () => {
      await idempotency.begin(first);
      await idempotency.abandon(first);
      expect(await idempotency.begin(first)).toEqual({ kind: 'new' });
      await idempotency.complete({ scope: 'org_a', key: 'key-1', status: 200, body: 'done' });
      await idempotency.abandon(first);
      expect(await idempotency.begin(first)).toMatchObject({ kind: 'replay', body: 'done' });
    });

    it('keeps a key for 24 hours, then treats it as new and sweeps it', async () => {
      await idempotency.begin(first);
      await idempotency.complete({ scope: 'org_a', key: 'key-1', status: 200, body: 'old' });
      await idempotency.begin({ ...first, key: 'key-2' });
      advance(24 * 3600 - 1);
      expect(await idempotency.begin(first)).toMatchObject({ kind: 'replay' });
      expect(await idempotency.sweep()).toBe(0);
      advance(1);
      expect(await idempotency.begin({ ...first, requestHash: 'hash-2' })).toEqual({ kind: 'new' });
      expect(await idempotency.sweep()).toBe(1);
      expect(await outcomeOf(idempotency.begin({ ...first, requestHash: 'hash-2' }))).toMatchObject({
        code: 'idempotency.in_progress',
      });
    });

    it('ignores a completion for a key that is not in progress', async () => {
      await idempotency.complete({ scope: 'org_a', key: 'never-begun', status: 200, body: 'x' });
      expect(await idempotency.begin({ ...first, key: 'never-begun' })).toEqual({ kind: 'new' });
    });

    it('lets exactly one of 50 concurrent requests with one key run', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, () =>
          outcomeOf(
            idempotency.begin(first).then(async (begun) => {
              if (begun.kind === 'new') {
                await idempotency.complete({ scope: 'org_a', key: 'key-1', status: 200, body: 'ran once' });
              }
              return begun;
            }),
          ),
        ),
      );
      const kinds = outcomes.map((outcome) =>
        outcome && typeof outcome === 'object' && 'kind' in outcome ? outcome.kind : (outcome as { code: string }).code,
      );
      expect(kinds.filter((kind) => kind === 'new')).toHaveLength(1);
      expect(kinds.filter((kind) => kind === 'replay' || kind === 'idempotency.in_progress')).toHaveLength(49);
      expect(await idempotency.begin(first)).toEqual({ kind: 'replay', status: 200, body: 'ran once' });
    });
  });
}
