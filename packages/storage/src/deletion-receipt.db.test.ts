import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VisageDatabase } from './database.js';
import { createDeletionReceiptRepository } from './deletion-receipt.repository.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

for (const dialect of dialectNames) {
  describe(`deletion receipts on ${dialect}`, () => {
    let database: VisageDatabase;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
    });
    afterEach(() => database.destroy());

    it('keeps a receipt with what was erased', async () => {
      await createDeletionReceiptRepository(database).insert({
        id: 'del_1',
        orgId: 'org_a',
        scope: 'subject',
        target: 'a'.repeat(64),
        erased: { verifications: 2, results: 1, blobs: 3, consents: 2 },
        createdAt: '2026-11-29T12:00:00.000Z',
        actor: 'key:ak_live_1',
      });
      const rows = await database.db.selectFrom('deletion_receipt').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id: 'del_1', org_id: 'org_a', scope: 'subject', actor: 'key:ak_live_1' });
      expect(JSON.parse(rows[0]?.erased ?? '')).toEqual({ verifications: 2, results: 1, blobs: 3, consents: 2 });
    });
  });
}
