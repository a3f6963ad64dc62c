import type { FaceIdBusiness } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VisageDatabase } from './database.js';
import { createFaceIdBusinessRepository } from './faceid-business.repository.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

const business = (overrides: Partial<FaceIdBusiness> = {}): FaceIdBusiness => ({
  sessionId: 'cap_one',
  orgId: 'org_a',
  appId: 'app_a',
  keyId: 'key_a',
  sandbox: false,
  flow: 'lite',
  bizNo: 'order-1',
  bizExtraData: 'cart=1',
  notifyUrl: 'https://customer.example/notify',
  comparisonType: 0,
  reads: 0,
  createdAt: '2026-12-02T09:00:00.000Z',
  readableUntil: '2026-12-03T10:00:00.000Z',
  ...overrides,
});

for (const dialect of dialectNames) {
  describe(`FaceID business records on ${dialect}`, () => {
    let database: VisageDatabase;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
    });
    afterEach(() => database.destroy());

    it('stores a business and finds it by session id and by the newest biz_no of its organisation and mode', async () => {
      const repo = createFaceIdBusinessRepository(database);
      await repo.insert(business());
      await repo.insert(business({ sessionId: 'cap_two', createdAt: '2026-12-02T09:05:00.000Z', bizExtraData: null }));
      await repo.insert(business({ sessionId: 'cap_sandbox', sandbox: true, createdAt: '2026-12-02T09:09:00.000Z' }));
      await repo.insert(business({ sessionId: 'cap_other', orgId: 'org_b', createdAt: '2026-12-02T09:10:00.000Z' }));
      expect(await repo.find('cap_one')).toEqual(business());
      expect(await repo.find('cap_missing')).toBeUndefined();
      expect((await repo.findByBizNo('org_a', false, 'order-1'))?.sessionId).toBe('cap_two');
      expect((await repo.findByBizNo('org_a', true, 'order-1'))?.sessionId).toBe('cap_sandbox');
      expect(await repo.findByBizNo('org_a', false, 'order-2')).toBeUndefined();
    });

    it('hands out a result three times within its day, never a fourth time or later', async () => {
      const repo = createFaceIdBusinessRepository(database);
      await repo.insert(business());
      await repo.insert(business({ sessionId: 'cap_late' }));
      const now = '2026-12-02T12:00:00.000Z';
      const claims = await Promise.all(Array.from({ length: 5 }, () => repo.claimRead('cap_one', now, 3)));
      expect(claims.filter(Boolean)).toHaveLength(3);
      expect((await repo.find('cap_one'))?.reads).toBe(3);
      expect(await repo.claimRead('cap_late', '2026-12-03T10:00:00.000Z', 3)).toBe(false);
      expect(await repo.claimRead('cap_missing', now, 3)).toBe(false);
    });

    it('sweeps records whose read window ended before the cut-off', async () => {
      const repo = createFaceIdBusinessRepository(database);
      await repo.insert(business());
      await repo.insert(business({ sessionId: 'cap_newer', readableUntil: '2026-12-05T00:00:00.000Z' }));
      expect(await repo.sweep('2026-12-04T00:00:00.000Z')).toBe(1);
      expect(await repo.find('cap_one')).toBeUndefined();
      expect(await repo.find('cap_newer')).toBeDefined();
    });
  });
}
