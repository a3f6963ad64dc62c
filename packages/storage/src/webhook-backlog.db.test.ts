import type { WebhookEvent } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VisageDatabase } from './database.js';
import { manualClock, nodeCrypto } from './testing/account-ports.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';
import { createOrgWithApp } from './testing/org-with-app.js';
import { createWebhookBacklogQuery } from './webhook-backlog.repository.js';
import { createWebhookRepository, insertWebhookEvent } from './webhook.repository.js';

for (const dialect of dialectNames) {
  describe(`webhook backlog on ${dialect}`, () => {
    let database: VisageDatabase;
    let clock: ReturnType<typeof manualClock>;
    let orgId: string;
    let appId: string;

    beforeEach(async () => {
      database = await freshDatabase(dialect);
      clock = manualClock();
      ({ orgId, appId } = await createOrgWithApp(database, clock));
    });
    afterEach(() => database.destroy());

    async function writeEvent(): Promise<void> {
      const event: WebhookEvent = {
        id: nodeCrypto.randomId('evt'),
        orgId,
        appId,
        mode: 'live',
        type: 'verification.completed',
        payload: { id: 'ver_1' },
        createdAt: clock.now().toISOString(),
      };
      await database.db.transaction().execute((trx) => insertWebhookEvent(trx, event));
    }

    it('counts pending events as due, leased or scheduled, and ignores settled ones', async () => {
      const backlog = createWebhookBacklogQuery(database);
      const repo = createWebhookRepository(database);
      expect(await backlog(clock.now().toISOString())).toEqual({ due: 0, leased: 0, scheduled: 0 });
      for (let i = 0; i < 4; i++) await writeEvent();
      const now = () => clock.now().toISOString();
      expect(await backlog(now())).toEqual({ due: 4, leased: 0, scheduled: 0 });

      const leaseUntil = new Date(clock.now().getTime() + 60_000).toISOString();
      const [first, second] = await repo.claimDue('wkr_a', now(), leaseUntil, 2);
      expect(await backlog(now())).toEqual({ due: 2, leased: 2, scheduled: 0 });

      // One delivered (no longer pending), one failed with a retry later.
      await repo.settle(first!, null, {
        status: 'delivered',
        nextAttemptAt: null,
        deliveredAt: now(),
        lastError: null,
      });
      const retryAt = new Date(clock.now().getTime() + 30_000).toISOString();
      await repo.settle(second!, null, {
        status: 'pending',
        nextAttemptAt: retryAt,
        deliveredAt: null,
        lastError: 'x',
      });
      expect(await backlog(now())).toEqual({ due: 2, leased: 0, scheduled: 1 });

      // A lease that ran out counts as due again; so does a retry whose time came.
      await repo.claimDue('wkr_b', now(), leaseUntil, 2);
      clock.advanceSeconds(61);
      expect(await backlog(now())).toEqual({ due: 3, leased: 0, scheduled: 0 });
    });
  });
}
