import type { ConsentRecord } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsentRepository } from './consent.repository.js';
import type { VisageDatabase } from './database.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

const record: ConsentRecord = {
  id: 'con_1',
  orgId: 'org_a',
  appId: 'app_1',
  subjectRef: 'subject-1',
  textVersion: 'consent-2026-11',
  obtainedAt: '2026-11-29T08:59:00.000Z',
  method: 'checkbox',
  createdAt: '2026-11-29T09:00:00.000Z',
};

for (const dialect of dialectNames) {
  describe(`consent repository on ${dialect}`, () => {
    let database: VisageDatabase;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
    });
    afterEach(() => database.destroy());

    it('finds a consent record only within its organisation', async () => {
      const consents = createConsentRepository(database);
      await consents.insert(record);
      expect(await consents.find('org_a', 'con_1')).toEqual(record);
      expect(await consents.find('org_b', 'con_1')).toBeUndefined();
      expect(await consents.find('org_a', 'con_2')).toBeUndefined();
    });

    it('refuses a second record with the same id', async () => {
      const consents = createConsentRepository(database);
      await consents.insert(record);
      await expect(consents.insert({ ...record, orgId: 'org_b' })).rejects.toThrow();
    });
  });
}
