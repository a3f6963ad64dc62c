import {
  createApps,
  createOrganizations,
  createWebhookDelivery,
  createWebhooks,
  type WebhookSender,
} from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppRepository } from './app.repository.js';
import type { VisageDatabase } from './database.js';
import { createOrganizationRepository } from './organization.repository.js';
import { aesGcmSecretBox, auditOn, manualClock, nodeCrypto } from './testing/account-ports.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';
import { createWebhookRepository, insertWebhookEvent } from './webhook.repository.js';

const actor = 'user:usr_owner';

/** The console's event list filtered by delivery status (the webhooks page's status filter), with keyset paging. */
for (const dialect of dialectNames) {
  describe(`webhook events by delivery status on ${dialect}`, () => {
    let database: VisageDatabase;
    let clock: ReturnType<typeof manualClock>;
    let orgId: string;
    let appId: string;
    let statusCode = 204;
    const secretBox = aesGcmSecretBox();

    beforeEach(async () => {
      database = await freshDatabase(dialect);
      clock = manualClock();
      const { audit } = auditOn(database, clock);
      const orgs = createOrganizationRepository(database);
      orgId = (await createOrganizations({ repo: orgs, clock, crypto: nodeCrypto, audit }).create('Acme', {}, actor))
        .id;
      const apps = createApps({
        apps: createAppRepository(database),
        orgs,
        clock,
        crypto: nodeCrypto,
        audit,
        maxResultRetentionSeconds: 86_400,
      });
      appId = (await apps.create({ orgId, name: 'Checkout', actor })).id;
      await apps.update(orgId, appId, { webhookUrl: 'https://hooks.example.com/visage' }, actor);
    });
    afterEach(() => database.destroy());

    const sender: WebhookSender = {
      send: async () => ({ statusCode, error: null, responseSnippet: '' }),
    };
    const deliverDue = () =>
      createWebhookDelivery({
        repo: createWebhookRepository(database),
        apps: createAppRepository(database),
        sender,
        secretBox,
        clock,
        crypto: nodeCrypto,
        leaseSeconds: 60,
        random: () => 0.5,
      }).deliverDue('w1');
    const webhooks = () =>
      createWebhooks({
        repo: createWebhookRepository(database),
        apps: createAppRepository(database),
        secretBox,
        clock,
        crypto: nodeCrypto,
        audit: auditOn(database, clock).audit,
        rotationGraceSeconds: 3600,
      });

    /** Writes an event and runs one delivery round with the receiver answering `answer`. */
    async function eventAnswered(answer: number): Promise<string> {
      const id = nodeCrypto.randomId('evt');
      await database.db.transaction().execute((trx) =>
        insertWebhookEvent(trx, {
          id,
          orgId,
          appId,
          mode: 'sandbox',
          type: 'verification.completed',
          payload: { id: 'ver_1' },
          createdAt: clock.now().toISOString(),
        }),
      );
      statusCode = answer;
      await deliverDue();
      clock.advanceSeconds(1);
      return id;
    }

    it('lists only the events in the asked status, newest first, page by page', async () => {
      const delivered1 = await eventAnswered(204);
      const pending = await eventAnswered(503);
      const delivered2 = await eventAnswered(200);
      const delivered3 = await eventAnswered(204);

      const ids = async (status?: 'pending' | 'delivered' | 'failed' | 'no_endpoint') =>
        (await webhooks().listEvents(orgId, appId, { status })).events.map((e) => [e.id, e.status]);
      expect(await ids('pending')).toEqual([[pending, 'pending']]);
      expect(await ids('delivered')).toEqual([
        [delivered3, 'delivered'],
        [delivered2, 'delivered'],
        [delivered1, 'delivered'],
      ]);
      expect(await ids('failed')).toEqual([]);
      expect(await ids()).toHaveLength(4);

      const first = await webhooks().listEvents(orgId, appId, { status: 'delivered', limit: 2 });
      expect(first.events.map((e) => e.id)).toEqual([delivered3, delivered2]);
      const second = await webhooks().listEvents(orgId, appId, { status: 'delivered', limit: 2, after: first.next });
      expect(second.events.map((e) => e.id)).toEqual([delivered1]);
      expect(second.next).toBeUndefined();
    });
  });
}
