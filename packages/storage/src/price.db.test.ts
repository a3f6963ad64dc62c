import { createHash, randomBytes } from 'node:crypto';
import { createAuditLog, createPricing, type Pricing } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLogRepository } from './audit-log.repository.js';
import type { VisageDatabase } from './database.js';
import { createPriceRepository } from './price.repository.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

const crypto = {
  sha256Hex: (text: string) => createHash('sha256').update(text).digest('hex'),
  randomId: (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`,
};

for (const dialect of dialectNames) {
  describe(`prices on ${dialect}`, () => {
    let database: VisageDatabase;
    let pricing: Pricing;
    let now: Date;
    const clock = { now: () => now };

    beforeEach(async () => {
      now = new Date('2026-11-29T09:00:00Z');
      database = await freshDatabase(dialect);
      const audit = createAuditLog({ repository: createAuditLogRepository(database), clock, crypto });
      pricing = createPricing({ repo: createPriceRepository(database), clock, crypto, audit });
    });
    afterEach(() => database.destroy());

    it('stores prices and answers the current one and the upcoming changes', async () => {
      const actor = 'operator:alice';
      const set = await pricing.setPrice({ product: 'compare', amountFen: 50, actor });
      await pricing.setPrice({ product: 'compare', amountFen: 2 ** 40, effectiveAt: '2027-01-01', actor });
      await pricing.setPrice({ product: 'liveness', amountFen: 0, actor });

      expect(await pricing.currentPrice('compare')).toBe(50);
      expect(await pricing.currentPrice('liveness')).toBe(0);
      expect(await pricing.currentPrice('verification')).toBeUndefined();
      const schedules = await pricing.list();
      expect(
        schedules.map(({ product, current, upcoming }) => [product, current, upcoming.map((p) => p.amountFen)]),
      ).toEqual([
        ['compare', set, [2 ** 40]],
        ['liveness', expect.objectContaining({ amountFen: 0, createdBy: actor }), []],
        ['verification', undefined, []],
        ['id_card_ocr', undefined, []],
      ]);

      now = new Date('2027-01-01T00:00:00Z');
      expect(await pricing.currentPrice('compare')).toBe(2 ** 40);
      const audited = await createAuditLogRepository(database).listAfter(0, 10);
      expect(audited.map((entry) => entry.action)).toEqual(['price.set', 'price.set', 'price.set']);
    });
  });
}
