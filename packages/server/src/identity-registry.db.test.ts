import { randomBytes } from 'node:crypto';
import {
  createIdentityRegistry,
  residentIdCheckCharacter,
  type IdentityRecordRepository,
  type SecretBox,
  type StoredIdentity,
} from '@visage/core';
import { createIdentityRecordRepository, type VisageDatabase } from '@visage/storage';
import { dialectNames, freshDatabase } from '@visage/storage/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIdNumberHash } from './adapters/identity-number-hash.js';
import { createSecretBox } from './adapters/secret-box.js';

const number = (seq: number) => {
  const first17 = `11010119900307${String(seq).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
};

/** The real SecretBox and repository, counting what a lookup decrypts and reads. */
function counted(database: VisageDatabase) {
  const box = createSecretBox(randomBytes(32));
  const opened: string[] = [];
  const secretBox: SecretBox = {
    seal: (plain, context) => box.seal(plain, context),
    open: (sealed, context) => {
      opened.push(context);
      return box.open(sealed, context);
    },
  };
  const inner = createIdentityRecordRepository(database);
  const references: string[] = [];
  const repo: IdentityRecordRepository = {
    ...inner,
    findReference: (id) => {
      references.push(id);
      return inner.findReference(id);
    },
  };
  return { secretBox, repo, opened, references };
}

for (const dialect of dialectNames) {
  describe(`registry lookups on ${dialect}`, () => {
    let database: VisageDatabase;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
    });
    afterEach(() => database.destroy());

    async function setup() {
      const parts = counted(database);
      const hashIdNumber = createIdNumberHash(randomBytes(32));
      const registry = createIdentityRegistry({
        repo: parts.repo,
        // Lookups never analyse a photo; only imports do.
        engine: {
          modelId: 'model@1',
          analyze: () => Promise.reject(new Error('lookups do not analyse photos')),
        },
        secretBox: parts.secretBox,
        hashIdNumber,
        clock: { now: () => new Date('2026-12-01T08:00:00Z') },
        crypto: { randomId: (prefix) => `${prefix}_${randomBytes(6).toString('hex')}` },
        audit: { record: async () => undefined },
      });
      const encoder = new TextEncoder();
      const stored = (id: string, sandbox: boolean, name: string, idNumber: string): StoredIdentity => ({
        id,
        sandbox,
        numberHash: hashIdNumber(idNumber),
        numberSealed: parts.secretBox.seal(encoder.encode(idNumber), `identity:${id}:number`),
        numberMasked: 'masked',
        nameSealed: parts.secretBox.seal(encoder.encode(name), `identity:${id}:name`),
        nameMasked: `${name[0]}*`,
        templateModel: 'model@1',
        templateSealed: parts.secretBox.seal(
          encoder.encode(JSON.stringify({ model: 'model@1', vector: [1, 0] })),
          `identity:${id}:template`,
        ),
        photoSealed: null,
        source: 'test',
        createdAt: '2026-12-01T08:00:00.000Z',
        updatedAt: '2026-12-01T08:00:00.000Z',
      });
      await parts.repo.upsertMany([
        stored('idr_live', false, '张三', number(1)),
        stored('idr_sandbox', true, '测试甲', number(2)),
      ]);
      parts.opened.length = 0;
      return { ...parts, source: registry.source };
    }

    it('decrypts exactly one value for an unknown number and for a wrong name, and reads no face for either', async () => {
      const { source, opened, references } = await setup();
      expect(await source.lookup({ name: '张三', idNumber: number(3), sandbox: false })).toEqual({
        status: 'not_found',
      });
      expect(opened).toHaveLength(1);
      expect(await source.lookup({ name: '王五', idNumber: number(1), sandbox: false })).toEqual({
        status: 'name_mismatch',
      });
      expect(opened).toHaveLength(2);
      expect(opened[1]).toBe('identity:idr_live:name');
      expect(references).toEqual([]);

      const found = await source.lookup({ name: '张 三', idNumber: number(1), sandbox: false });
      expect(found).toEqual({ status: 'found', template: { model: 'model@1', vector: [1, 0] }, photo: undefined });
      expect(opened.slice(2)).toEqual(['identity:idr_live:name', 'identity:idr_live:template']);
      expect(references).toEqual(['idr_live']);
    });

    it('answers sandbox queries from sandbox records only, live queries from live records only', async () => {
      const { source } = await setup();
      expect((await source.lookup({ name: '张三', idNumber: number(1), sandbox: true })).status).toBe('not_found');
      expect((await source.lookup({ name: '测试甲', idNumber: number(2), sandbox: false })).status).toBe('not_found');
      expect((await source.lookup({ name: '测试甲', idNumber: number(2), sandbox: true })).status).toBe('found');
      expect((await source.lookup({ name: '张三', idNumber: number(1), sandbox: false })).status).toBe('found');
    });
  });
}
