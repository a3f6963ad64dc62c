import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsentRepository } from './consent.repository.js';
import type { VisageDatabase } from './database.js';
import { createDeletionReceiptRepository } from './deletion-receipt.repository.js';
import { createPrivacyRepository } from './privacy.repository.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

for (const dialect of dialectNames) {
  describe(`privacy reads on ${dialect}`, () => {
    let database: VisageDatabase;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
    });
    afterEach(() => database.destroy());

    it('counts consent records per app and month, of one organisation only', async () => {
      const at = '2026-11-01T00:00:00.000Z';
      await database.db
        .insertInto('organization')
        .values({
          id: 'org_a',
          name: 'A',
          certification: 'certified',
          status: 'active',
          created_at: at,
          updated_at: at,
        })
        .execute();
      await database.db
        .insertInto('app')
        .values({
          id: 'app_1',
          org_id: 'org_a',
          name: 'Shop',
          domains: '[]',
          decision_far: '1e-4',
          image_retention_seconds: 0,
          result_retention_seconds: 86400,
          allow_multiple_faces: 0,
          created_at: at,
          updated_at: at,
        })
        .execute();
      const consents = createConsentRepository(database);
      let n = 0;
      const consent = (orgId: string, appId: string, createdAt: string) =>
        consents.insert({
          id: `con_${++n}`,
          orgId,
          appId,
          subjectRef: `s${n}`,
          textVersion: 'v1',
          obtainedAt: createdAt,
          method: 'checkbox',
          createdAt,
        });
      await consent('org_a', 'app_1', '2026-10-31T23:59:59.000Z');
      await consent('org_a', 'app_1', '2026-11-02T00:00:00.000Z');
      await consent('org_a', 'app_1', '2026-11-03T00:00:00.000Z');
      await consent('org_a', 'app_2', '2026-11-03T00:00:00.000Z');
      await consent('org_b', 'app_9', '2026-11-03T00:00:00.000Z');
      expect(await createPrivacyRepository(database).consentCounts('org_a')).toEqual([
        { appId: 'app_1', appName: 'Shop', month: '2026-11', count: 2 },
        { appId: 'app_2', appName: null, month: '2026-11', count: 1 },
        { appId: 'app_1', appName: 'Shop', month: '2026-10', count: 1 },
      ]);
    });

    it('lists an organisation’s deletion receipts newest first, in pages', async () => {
      const receipts = createDeletionReceiptRepository(database);
      for (const [id, orgId, createdAt] of [
        ['del_1', 'org_a', '2026-11-29T10:00:00.000Z'],
        ['del_2', 'org_a', '2026-11-29T11:00:00.000Z'],
        ['del_3', 'org_a', '2026-11-29T11:00:00.000Z'],
        ['del_4', 'org_b', '2026-11-29T12:00:00.000Z'],
      ] as const) {
        await receipts.insert({
          id,
          orgId,
          scope: 'verification',
          target: 'ver_x',
          erased: { result: true, blobs: 2 },
          createdAt,
          actor: 'user:u',
        });
      }
      const repo = createPrivacyRepository(database);
      const first = await repo.listReceipts('org_a', { limit: 2 });
      expect(first.map((r) => r.id)).toEqual(['del_3', 'del_2']);
      expect(first[0]).toMatchObject({ erased: { result: true, blobs: 2 }, actor: 'user:u', scope: 'verification' });
      const last = first.at(-1)!;
      expect((await repo.listReceipts('org_a', { limit: 2, after: last })).map((r) => r.id)).toEqual(['del_1']);
    });
  });
}
