import type { StoredIdentity } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VisageDatabase } from './database.js';
import { createIdentityRecordRepository } from './identity-record.repository.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

const bytes = (...values: number[]) => new Uint8Array(values);

const record = (id: string, hash: string, overrides: Partial<StoredIdentity> = {}): StoredIdentity => ({
  id,
  sandbox: false,
  numberHash: hash,
  numberSealed: bytes(1, 2, 3),
  numberMasked: '110***********1234',
  nameSealed: bytes(4, 5),
  nameMasked: '张*',
  templateModel: 'model@1',
  templateSealed: bytes(6, 7, 8, 9),
  photoSealed: null,
  source: 'cli:people.csv',
  createdAt: '2026-12-01T08:00:00.000Z',
  updatedAt: '2026-12-01T08:00:00.000Z',
  ...overrides,
});

for (const dialect of dialectNames) {
  describe(`identity record repository on ${dialect}`, () => {
    let database: VisageDatabase;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
    });
    afterEach(() => database.destroy());

    it('stores records and finds them by the number hash, sealed bytes intact', async () => {
      const repo = createIdentityRecordRepository(database);
      await repo.upsertMany([record('idr_a', 'hash-a'), record('idr_b', 'hash-b', { photoSealed: bytes(9, 9) })]);
      expect(await repo.findByNumberHash('hash-b', false)).toEqual(
        record('idr_b', 'hash-b', { photoSealed: bytes(9, 9) }),
      );
      expect(await repo.findByNumberHash('hash-c', false)).toBeUndefined();
      expect(await repo.idsByNumberHash(['hash-a', 'hash-b', 'hash-c'], false)).toEqual(
        new Map([
          ['hash-a', 'idr_a'],
          ['hash-b', 'idr_b'],
        ]),
      );
      expect(await repo.count()).toBe(2);
    });

    it('replaces a record with the same id and keeps its creation time', async () => {
      const repo = createIdentityRecordRepository(database);
      await repo.upsertMany([record('idr_a', 'hash-a')]);
      await repo.upsertMany([
        record('idr_a', 'hash-a', {
          nameSealed: bytes(42),
          source: 'admin-api',
          createdAt: '2026-12-02T00:00:00.000Z',
          updatedAt: '2026-12-02T00:00:00.000Z',
        }),
      ]);
      const found = await repo.findByNumberHash('hash-a', false);
      expect(found).toMatchObject({ nameSealed: bytes(42), source: 'admin-api' });
      expect(found?.createdAt).toBe('2026-12-01T08:00:00.000Z');
      expect(found?.updatedAt).toBe('2026-12-02T00:00:00.000Z');
      expect(await repo.count()).toBe(1);
    });

    it('writes a batch all or nothing: a number registered under another id fails the whole batch', async () => {
      const repo = createIdentityRecordRepository(database);
      await repo.upsertMany([record('idr_a', 'hash-a')]);
      // What two imports adding the same new number at once meet: a typed, retryable conflict, not a raw error.
      await expect(repo.upsertMany([record('idr_c', 'hash-c'), record('idr_x', 'hash-a')])).rejects.toMatchObject({
        name: 'DomainError',
        code: 'registry.import_conflict',
      });
      expect(await repo.findByNumberHash('hash-c', false)).toBeUndefined();
      expect(await repo.count()).toBe(1);
    });

    it('lists summaries in id order with paging, says which keep a photo, and removes records', async () => {
      const repo = createIdentityRecordRepository(database);
      await repo.upsertMany([
        record('idr_c', 'hash-c'),
        record('idr_a', 'hash-a', { photoSealed: bytes(1) }),
        record('idr_b', 'hash-b'),
      ]);
      const first = await repo.list({ limit: 2 });
      expect(first.map((r) => [r.id, r.hasPhoto])).toEqual([
        ['idr_a', true],
        ['idr_b', false],
      ]);
      expect(first[0]).toEqual({
        id: 'idr_a',
        sandbox: false,
        numberMasked: '110***********1234',
        nameMasked: '张*',
        templateModel: 'model@1',
        source: 'cli:people.csv',
        createdAt: '2026-12-01T08:00:00.000Z',
        updatedAt: '2026-12-01T08:00:00.000Z',
        hasPhoto: true,
      });
      expect((await repo.list({ after: 'idr_b', limit: 2 })).map((r) => r.id)).toEqual(['idr_c']);
      expect(await repo.remove('idr_b')).toBe(true);
      expect(await repo.remove('idr_b')).toBe(false);
      expect(await repo.findByNumberHash('hash-b', false)).toBeUndefined();
      expect(await repo.count()).toBe(2);
    });

    it('keeps sandbox and live records apart: a number may be registered once in each, each seen by its mode only', async () => {
      const repo = createIdentityRecordRepository(database);
      await repo.upsertMany([record('idr_live', 'hash-a', { nameSealed: bytes(1) })]);
      expect(await repo.findByNumberHash('hash-a', true)).toBeUndefined();
      expect(await repo.findNameByNumberHash('hash-a', true)).toBeUndefined();
      expect(await repo.idsByNumberHash(['hash-a'], true)).toEqual(new Map());
      await repo.upsertMany([record('idr_sbx', 'hash-a', { sandbox: true, nameSealed: bytes(2) })]);
      expect(await repo.findNameByNumberHash('hash-a', false)).toEqual({ id: 'idr_live', nameSealed: bytes(1) });
      expect(await repo.findNameByNumberHash('hash-a', true)).toEqual({ id: 'idr_sbx', nameSealed: bytes(2) });
      expect((await repo.findByNumberHash('hash-a', true))?.sandbox).toBe(true);
      expect((await repo.list({ limit: 10 })).map((r) => [r.id, r.sandbox])).toEqual([
        ['idr_live', false],
        ['idr_sbx', true],
      ]);
      // Still unique within a mode.
      await expect(repo.upsertMany([record('idr_sbx2', 'hash-a', { sandbox: true })])).rejects.toMatchObject({
        code: 'registry.import_conflict',
      });
    });

    it('reads a lookup in two steps: the sealed name first, the reference face only by id', async () => {
      const repo = createIdentityRecordRepository(database);
      await repo.upsertMany([record('idr_a', 'hash-a', { photoSealed: bytes(5, 5) })]);
      expect(await repo.findNameByNumberHash('hash-a', false)).toEqual({ id: 'idr_a', nameSealed: bytes(4, 5) });
      expect(await repo.findNameByNumberHash('hash-z', false)).toBeUndefined();
      expect(await repo.findReference('idr_a')).toEqual({
        templateSealed: bytes(6, 7, 8, 9),
        photoSealed: bytes(5, 5),
      });
      expect(await repo.findReference('idr_zz')).toBeUndefined();
    });
  });
}
