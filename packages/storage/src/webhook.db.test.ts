import {
  createWebhookDelivery,
  createWebhooks,
  webhookRetryWindowSeconds,
  type WebhookEvent,
  type WebhookSender,
} from '@visage/core';
import { verifyWebhookSignature } from '@visage/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppRepository } from './app.repository.js';
import type { VisageDatabase } from './database.js';
import { aesGcmSecretBox, auditOn, manualClock, nodeCrypto } from './testing/account-ports.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';
import { createOrgWithApp } from './testing/org-with-app.js';
import { createVerificationRepository } from './verification.repository.js';
import { createWebhookRepository, insertWebhookEvent } from './webhook.repository.js';

const actor = 'user:usr_owner';

for (const dialect of dialectNames) {
  describe(`webhooks on ${dialect}`, () => {
    let database: VisageDatabase;
    let clock: ReturnType<typeof manualClock>;
    let orgId: string;
    let appId: string;
    let received: { url: string; headers: Record<string, string>; body: string }[];
    let answer: () => Promise<{ statusCode: number | null; error: string | null; responseSnippet: string | null }>;
    const secretBox = aesGcmSecretBox();

    beforeEach(async () => {
      database = await freshDatabase(dialect);
      clock = manualClock();
      const created = await createOrgWithApp(database, clock, actor);
      ({ orgId, appId } = created);
      await created.apps.update(orgId, appId, { webhookUrl: 'https://hooks.example.com/visage' }, actor);
      received = [];
      answer = async () => ({ statusCode: 204, error: null, responseSnippet: '' });
    });
    afterEach(() => database.destroy());

    const sender: WebhookSender = {
      async send(request) {
        received.push(request);
        return answer();
      },
    };
    const repo = () => createWebhookRepository(database);
    const delivery = (leaseSeconds = 60) =>
      createWebhookDelivery({
        repo: repo(),
        apps: createAppRepository(database),
        sender,
        secretBox,
        clock,
        crypto: nodeCrypto,
        leaseSeconds,
        random: () => 0.5,
      });
    const webhooks = () =>
      createWebhooks({
        repo: repo(),
        apps: createAppRepository(database),
        secretBox,
        clock,
        crypto: nodeCrypto,
        audit: auditOn(database, clock).audit,
        rotationGraceSeconds: 3600,
      });

    async function writeEvent(extra: Partial<WebhookEvent> = {}): Promise<WebhookEvent> {
      const event: WebhookEvent = {
        id: nodeCrypto.randomId('evt'),
        orgId,
        appId,
        mode: 'live',
        type: 'verification.completed',
        payload: { id: 'ver_1', result_code: 'result.pass' },
        createdAt: clock.now().toISOString(),
        ...extra,
      };
      await database.db.transaction().execute((trx) => insertWebhookEvent(trx, event));
      return event;
    }

    it('writes the event only when the surrounding transaction commits', async () => {
      const event: WebhookEvent = {
        id: 'evt_rolled_back',
        orgId,
        appId,
        mode: 'live',
        type: 'verification.completed',
        payload: {},
        createdAt: clock.now().toISOString(),
      };
      await expect(
        database.db.transaction().execute(async (trx) => {
          await insertWebhookEvent(trx, event);
          throw new Error('the finishing write failed');
        }),
      ).rejects.toThrow('the finishing write failed');
      expect(await repo().find(orgId, event.id)).toBeUndefined();
      const kept = await writeEvent();
      expect(await repo().find(orgId, kept.id)).toMatchObject({ status: 'pending', attempts: 0 });
    });

    it('delivers a signed event once, and records the attempt', async () => {
      const { secret } = await webhooks().rotateSecret(orgId, appId, actor);
      const event = await writeEvent();
      expect(await delivery().deliverDue('w1')).toBe(1);
      expect(await delivery().deliverDue('w1')).toBe(0);
      expect(received).toHaveLength(1);
      const [request] = received;
      expect(request!.url).toBe('https://hooks.example.com/visage');
      expect(request!.headers['webhook-id']).toBe(event.id);
      expect(JSON.parse(request!.body)).toEqual({
        id: event.id,
        type: 'verification.completed',
        timestamp: event.createdAt,
        mode: 'live',
        data: event.payload,
      });
      await expect(verifyWebhookSignature(secret, request!.headers, request!.body, 300, clock.now())).resolves.toEqual({
        id: event.id,
        timestamp: Math.floor(clock.now().getTime() / 1000),
      });
      const { event: stored, attempts } = await webhooks().getEvent(orgId, appId, event.id);
      expect(stored).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: clock.now().toISOString() });
      expect(attempts).toEqual([expect.objectContaining({ statusCode: 204, error: null, eventId: event.id })]);
    });

    it('retries with growing delays while the receiver is down, then delivers with the same webhook-id', async () => {
      const event = await writeEvent();
      answer = async () => ({ statusCode: null, error: 'connect ECONNREFUSED', responseSnippet: null });
      const w = delivery();
      expect(await w.deliverDue('w1')).toBe(1);
      const gaps: number[] = [];
      let previous = clock.now().getTime();
      for (let i = 0; i < 4; i++) {
        const due = (await repo().find(orgId, event.id))!;
        expect(due.status).toBe('pending');
        // Not due before its time.
        expect(await w.deliverDue('w1')).toBe(0);
        const at = Date.parse(due.nextAttemptAt!);
        gaps.push((at - previous) / 1000);
        clock.advanceSeconds((at - clock.now().getTime()) / 1000);
        previous = at;
        expect(await w.deliverDue('w1')).toBe(1);
      }
      expect(gaps).toEqual([30, 60, 120, 240]);
      answer = async () => ({ statusCode: 200, error: null, responseSnippet: 'ok' });
      clock.advanceSeconds(480);
      expect(await w.deliverDue('w1')).toBe(1);
      expect(new Set(received.map((r) => r.headers['webhook-id']))).toEqual(new Set([event.id]));
      expect(new Set(received.map((r) => r.body)).size).toBe(1);
      const { event: stored, attempts } = await webhooks().getEvent(orgId, appId, event.id);
      expect(stored.status).toBe('delivered');
      expect(attempts.map((a) => a.statusCode)).toEqual([null, null, null, null, null, 200]);
      expect(attempts[0]!.error).toBe('connect ECONNREFUSED');
    });

    it('gives up after 72 h (failed), and a resend starts again with the same id', async () => {
      const event = await writeEvent();
      answer = async () => ({ statusCode: 500, error: null, responseSnippet: 'boom' });
      const w = delivery();
      for (let i = 0; i < 40; i++) {
        await w.deliverDue('w1');
        const current = (await repo().find(orgId, event.id))!;
        if (current.status !== 'pending') break;
        clock.advanceSeconds((Date.parse(current.nextAttemptAt!) - clock.now().getTime()) / 1000);
      }
      const failed = (await repo().find(orgId, event.id))!;
      expect(failed).toMatchObject({ status: 'failed', lastError: 'HTTP 500', nextAttemptAt: null });
      expect(clock.now().getTime() - Date.parse(event.createdAt)).toBeLessThanOrEqual(webhookRetryWindowSeconds * 1000);
      expect(failed.attempts).toBeGreaterThan(10);

      answer = async () => ({ statusCode: 200, error: null, responseSnippet: '' });
      const resent = await webhooks().resend(orgId, appId, event.id, actor);
      expect(resent).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await w.deliverDue('w1')).toBe(1);
      expect((await repo().find(orgId, event.id))!.status).toBe('delivered');
      expect(received.at(-1)!.headers['webhook-id']).toBe(event.id);
    });

    it('records no_endpoint when the app has no webhook URL', async () => {
      await createAppRepository(database)
        .find(appId)
        .then((app) => createAppRepository(database).update({ ...app!, webhookUrl: null }));
      const event = await writeEvent();
      expect(await delivery().deliverDue('w1')).toBe(1);
      expect(received).toHaveLength(0);
      expect(await repo().find(orgId, event.id)).toMatchObject({ status: 'no_endpoint', attempts: 0 });
    });

    it('retries an event whose own encoding failed for a while, even when the app has no webhook URL', async () => {
      await createAppRepository(database)
        .find(appId)
        .then((app) => createAppRepository(database).update({ ...app!, webhookUrl: null }));
      const event = await writeEvent({ type: 'capture_session.finished', payload: { id: 'cap_1' } });
      let encoderUp = false;
      const encoding = createWebhookDelivery({
        repo: repo(),
        apps: createAppRepository(database),
        sender,
        secretBox,
        clock,
        crypto: nodeCrypto,
        leaseSeconds: 60,
        random: () => 0.5,
        encodeEvent: async () => {
          if (!encoderUp) throw new Error('database briefly unavailable');
          return { url: 'https://notify.example.com/faceid', headers: { 'content-type': 'text/plain' }, body: 'x' };
        },
      });
      expect(await encoding.deliverDue('w1')).toBe(1);
      expect(received).toHaveLength(0);
      // A failed attempt (retried later), not a settled no_endpoint: the event has its own destination.
      expect(await repo().find(orgId, event.id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastError: 'database briefly unavailable',
      });
      encoderUp = true;
      clock.advanceSeconds(3600);
      expect(await encoding.deliverDue('w1')).toBe(1);
      expect(received.map((request) => request.url)).toEqual(['https://notify.example.com/faceid']);
      expect(await repo().find(orgId, event.id)).toMatchObject({ status: 'delivered', attempts: 2 });
    });

    it('claims each due event for one worker; a lease that runs out (killed worker) gives it back', async () => {
      const events = await Promise.all([1, 2, 3, 4, 5].map(() => writeEvent()));
      const now = clock.now().toISOString();
      const until = new Date(clock.now().getTime() + 60_000).toISOString();
      const [a, b] = await Promise.all([repo().claimDue('a', now, until, 3), repo().claimDue('b', now, until, 3)]);
      const ids = [...a!, ...b!].map((e) => e.id).sort();
      expect(ids).toEqual(events.map((e) => e.id).sort());
      // Nothing more to claim while the leases hold.
      expect(await repo().claimDue('c', now, until, 10)).toEqual([]);
      // Worker 'a' dies: after its lease, another worker gets its events, and a's late settle is refused.
      clock.advanceSeconds(61);
      const later = clock.now().toISOString();
      const retaken = await repo().claimDue('c', later, new Date(clock.now().getTime() + 60_000).toISOString(), 10);
      expect(retaken.map((e) => e.id).sort()).toEqual(ids);
      const stale = a![0]!;
      expect(
        await repo().settle(stale, null, {
          status: 'delivered',
          nextAttemptAt: null,
          deliveredAt: later,
          lastError: null,
        }),
      ).toBe(false);
      // A graceful stop gives the events back at once.
      expect(await repo().release('c')).toBe(5);
      expect(await repo().claimDue('d', later, later, 10)).toHaveLength(5);
    });

    it('two workers running at once deliver each event once', async () => {
      const events = await Promise.all(Array.from({ length: 12 }, () => writeEvent()));
      const [one, two] = [delivery(), delivery()];
      await Promise.all([one.deliverDue('w1'), two.deliverDue('w2'), one.deliverDue('w1'), two.deliverDue('w2')]);
      const ids = received.map((r) => r.headers['webhook-id']).sort();
      expect(ids).toEqual(events.map((e) => e.id).sort());
    });

    it('rotates the secret with a grace period during which both sign', async () => {
      const first = await webhooks().rotateSecret(orgId, appId, actor);
      expect(first.previousExpireAt).toBeNull();
      clock.advanceSeconds(10);
      const second = await webhooks().rotateSecret(orgId, appId, actor);
      expect(second.previousExpireAt).toBe(new Date(clock.now().getTime() + 3600_000).toISOString());
      expect((await webhooks().secrets(orgId, appId)).map((s) => s.id)).toEqual([second.id, first.id]);
      await writeEvent();
      await delivery().deliverDue('w1');
      const request = received.at(-1)!;
      expect(request.headers['webhook-signature']!.split(' ')).toHaveLength(2);
      for (const { secret } of [first, second]) {
        await expect(
          verifyWebhookSignature(secret, request.headers, request.body, 300, clock.now()),
        ).resolves.toBeDefined();
      }
      clock.advanceSeconds(3601);
      expect((await webhooks().secrets(orgId, appId)).map((s) => s.id)).toEqual([second.id]);
      await writeEvent();
      await delivery().deliverDue('w1');
      const after = received.at(-1)!;
      expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(1);
      await expect(verifyWebhookSignature(first.secret, after.headers, after.body, 300, clock.now())).rejects.toThrow();
      await expect(
        verifyWebhookSignature(second.secret, after.headers, after.body, 300, clock.now()),
      ).resolves.toBeDefined();
    });

    /** A stored verification with its verification.completed event, as the billable call writes them. */
    const storedWithEvent = async (
      id: string,
      requestId: string,
      charge: { billed: boolean; amountFen: number },
      payload: Record<string, unknown>,
    ) => {
      const event: WebhookEvent = {
        id: `evt_${id}`,
        orgId,
        appId,
        mode: 'live',
        type: 'verification.completed',
        payload: { id, ...payload },
        createdAt: clock.now().toISOString(),
      };
      await createVerificationRepository(database, clock).insert(
        {
          id,
          orgId,
          appId,
          keyId: 'ak_test_x',
          product: 'verification',
          sandbox: false,
          subjectRef: 'user-1',
          consentId: null,
          bizNo: null,
          requestId,
          resultCode: 'result.pass',
          ...charge,
          createdAt: clock.now().toISOString(),
          timeUsedMs: 5,
          resultSealed: null,
          resultExpiresAt: null,
        },
        [],
        { event },
      );
      return event;
    };

    it('writes verification.completed with the verification, and blanks its payload when the verification is erased', async () => {
      const event = await storedWithEvent(
        'ver_hooked',
        'req_1',
        { billed: false, amountFen: 0 },
        { result_code: 'result.pass', similarity: 0.91 },
      );
      expect((await repo().find(orgId, event.id))!.payload).toEqual(event.payload);
      await createVerificationRepository(database, clock).erase(orgId, 'ver_hooked');
      expect((await repo().find(orgId, event.id))!.payload).toEqual({ erased: true });
    });

    it('says billed: false in the event of a verification whose hold was voided after it was stored', async () => {
      const verifications = createVerificationRepository(database, clock);
      const charged = { billed: true, amountFen: 50 };
      const answer = { result_code: 'result.pass', billed: true };
      const killed = await storedWithEvent('ver_killed', 'req_killed', charged, answer);
      const posted = await storedWithEvent('ver_charged', 'req_charged', charged, answer);
      // The sweeper voids the killed call's hold and marks it by its request id; the same again changes nothing.
      await verifications.markUnbilledByRequest(orgId, 'req_killed');
      await verifications.markUnbilledByRequest(orgId, 'req_killed');
      expect((await repo().find(orgId, killed.id))!.payload).toEqual({ ...killed.payload, billed: false });
      expect(await verifications.find(orgId, 'ver_killed')).toMatchObject({ billed: false, amountFen: 0 });
      expect((await repo().find(orgId, posted.id))!.payload).toEqual(posted.payload);
      expect(await verifications.find(orgId, 'ver_charged')).toMatchObject(charged);
    });

    it('deletes settled events older than the retention with their attempts, and keeps pending ones', async () => {
      const old = await writeEvent();
      const stillPending = await writeEvent();
      await delivery().deliverDue('w1');
      answer = async () => ({ statusCode: 500, error: null, responseSnippet: '' });
      await database.db
        .updateTable('webhook_event')
        .set({ status: 'pending' })
        .where('id', '=', stillPending.id)
        .execute();
      clock.advanceSeconds(86_400);
      const young = await writeEvent();
      await delivery().deliverDue('w1');
      const cutoff = new Date(clock.now().getTime() - 3600_000).toISOString();
      expect(await repo().deleteSettledBefore(cutoff)).toBe(1);
      expect(await repo().find(orgId, old.id)).toBeUndefined();
      expect(await repo().attempts(old.id)).toEqual([]);
      expect(await repo().find(orgId, stillPending.id)).toBeDefined();
      expect(await repo().find(orgId, young.id)).toBeDefined();
    });

    it('answers another organisation’s app and events as not found', async () => {
      const event = await writeEvent();
      await expect(webhooks().getEvent('org_other', appId, event.id)).rejects.toMatchObject({ code: 'app.not_found' });
      await expect(webhooks().getEvent(orgId, appId, 'evt_nope')).rejects.toMatchObject({
        code: 'webhook.event_not_found',
      });
      await expect(webhooks().resend('org_other', appId, event.id, actor)).rejects.toMatchObject({
        code: 'app.not_found',
      });
      const page = await webhooks().listEvents(orgId, appId, { limit: 1 });
      expect(page.events.map((e) => e.id)).toEqual([event.id]);
    });
  });
}
