import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VisageDatabase } from './database.js';
import { createNonceStore } from './nonce.repository.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

for (const dialect of dialectNames) {
  describe(`nonce store on ${dialect}`, () => {
    let database: VisageDatabase;
    let now = new Date('2026-11-29T09:00:00Z');
    const clock = { now: () => now };
    const inMinutes = (m: number) => new Date(now.getTime() + m * 60_000);
    beforeEach(async () => {
      now = new Date('2026-11-29T09:00:00Z');
      database = await freshDatabase(dialect);
    });
    afterEach(() => database.destroy());

    it('accepts a nonce once per key, and the same nonce under another key', async () => {
      const nonces = createNonceStore(database, clock);
      expect(await nonces.remember('key_a', 'nonce-0000000000000001', inMinutes(10))).toBe(true);
      expect(await nonces.remember('key_a', 'nonce-0000000000000001', inMinutes(10))).toBe(false);
      expect(await nonces.remember('key_b', 'nonce-0000000000000001', inMinutes(10))).toBe(true);
    });

    it('accepts a nonce again once its record has expired, and sweeps expired records', async () => {
      const nonces = createNonceStore(database, clock);
      const t0 = now.getTime();
      const at = (minutes: number) => new Date(t0 + minutes * 60_000);
      expect(await nonces.remember('key_a', 'nonce-0000000000000002', at(10))).toBe(true);
      expect(await nonces.remember('key_a', 'nonce-0000000000000003', at(20))).toBe(true);
      now = at(11);
      expect(await nonces.remember('key_a', 'nonce-0000000000000002', at(21))).toBe(true);
      expect(await nonces.remember('key_a', 'nonce-0000000000000002', at(21))).toBe(false);
      expect(await nonces.remember('key_a', 'nonce-0000000000000003', at(21))).toBe(false);
      now = at(20.5);
      expect(await nonces.sweep()).toBe(1);
      expect(await nonces.remember('key_a', 'nonce-0000000000000002', at(30))).toBe(false);
    });

    it.each([
      ['one store, each use written on its own', () => [createNonceStore(database, clock)]],
      [
        'two stores (as two processes) batching the uses that wait together',
        () => [0, 1].map(() => createNonceStore(database, clock, { defer: setImmediate })),
      ],
    ])('lets exactly one of many concurrent uses of a nonce through: %s', async (_name, stores) => {
      const nonces = stores();
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          nonces[i % nonces.length]!.remember('key_a', 'nonce-0000000000000004', inMinutes(10)),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    });
  });
}
