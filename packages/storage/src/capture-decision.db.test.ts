import {
  createApps,
  createOrganizations,
  type CaptureFinish,
  type CaptureFinishedEvent,
  type CaptureSession,
} from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppRepository } from './app.repository.js';
import { createCaptureSessionRepository } from './capture-session.repository.js';
import type { VisageDatabase } from './database.js';
import { createOrganizationRepository } from './organization.repository.js';
import { auditOn, manualClock, nodeCrypto } from './testing/account-ports.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';
import { createVerificationRepository } from './verification.repository.js';
import { createWebhookRepository } from './webhook.repository.js';

/**
 * Issue 5's remainder in storage: a completion's claim against expiry (compare-and-set on the status), the event's
 * fixed target (a notify_url), a subject's erasure reaching open capture sessions, and the first webhook secret
 * issued with the app's update.
 */

const base = (orgId: string, appId: string, id: string, overrides: Partial<CaptureSession> = {}): CaptureSession => ({
  id,
  orgId,
  appId,
  caller: {
    orgId,
    appId,
    keyId: 'ak_test_1',
    sandbox: true,
    decisionFar: '1e-4',
    allowMultipleFaces: false,
    imageRetentionSeconds: 0,
    resultRetentionSeconds: 0,
  },
  liveness: 'still',
  challenges: [],
  subjectRef: 'user-1',
  bizNo: null,
  returnUrl: 'https://customer.example/done',
  notifyUrl: null,
  locale: null,
  maxAttempts: 3,
  attemptsUsed: 0,
  status: 'not_started',
  reason: null,
  createdAt: '2026-11-30T10:00:00.000Z',
  expiresAt: '2026-11-30T10:10:00.000Z',
  finishedAt: null,
  tokenHash: `hash-${id}`,
  tokenUsedAt: null,
  pageTokenHash: null,
  referenceSealed: new Uint8Array([1, 2, 3]),
  consentId: null,
  currentAttemptId: null,
  resultSealed: null,
  resultExpiresAt: null,
  callId: null,
  ...overrides,
});

const finishAs = (
  status: CaptureFinish['status'],
  finishedAt: string,
  callId: string | null = null,
): CaptureFinish => ({
  status,
  reason: null,
  finishedAt,
  resultSealed: callId ? new Uint8Array([9]) : null,
  resultExpiresAt: callId ? '2026-12-01T10:00:00.000Z' : null,
  callId,
});

for (const dialect of dialectNames) {
  describe(`capture decisions, targets and erasure on ${dialect}`, () => {
    let database: VisageDatabase;
    let orgId: string;
    let appId: string;
    const clock = manualClock('2026-11-30T10:20:00Z');
    const eventOf = (sessionId: string, id: string, targetUrl: string | null = null): CaptureFinishedEvent => ({
      id,
      orgId,
      appId,
      mode: 'sandbox',
      type: 'capture_session.finished',
      payload: { id: sessionId, result: { similarity: 0.9 } },
      createdAt: '2026-11-30T10:05:00.000Z',
      targetUrl,
    });

    beforeEach(async () => {
      database = await freshDatabase(dialect);
      const { audit } = auditOn(database, clock);
      const orgs = createOrganizationRepository(database);
      orgId = (await createOrganizations({ repo: orgs, clock, crypto: nodeCrypto, audit }).create('Acme', {}, 'op')).id;
      const apps = createApps({
        apps: createAppRepository(database),
        orgs,
        clock,
        crypto: nodeCrypto,
        audit,
        maxResultRetentionSeconds: 86_400,
      });
      appId = (await apps.create({ orgId, name: 'Checkout', actor: 'user:usr_owner' })).id;
    });
    afterEach(() => database.destroy());

    it('a claimed completion holds the session: expiry and cancel wait, the completion finishes it', async () => {
      const repo = createCaptureSessionRepository(database);
      await repo.insert(base(orgId, appId, 'cap_1'));
      expect(await repo.startAttempt('cap_1', 'att_1', 3, '2026-11-30T10:01:00.000Z')).toBe(true);
      expect(await repo.claimAttempt('cap_1', 'att_1', '2026-11-30T10:16:00.000Z')).toBe(true);
      // A second completion (a double submit) cannot claim it again.
      expect(await repo.claimAttempt('cap_1', 'att_1', '2026-11-30T10:16:00.000Z')).toBe(false);
      expect(await repo.find('cap_1')).toMatchObject({ decidingAttemptId: 'att_1', currentAttemptId: null });

      // Past its expiry but claimed: not listed as expired, an expiry and a cancel are refused, no attempt starts.
      const late = '2026-11-30T10:11:00.000Z';
      expect(await repo.listExpired(late, 10)).toEqual([]);
      expect(await repo.finish('cap_1', finishAs('expired', late), { event: eventOf('cap_1', 'evt_x') })).toBe(false);
      expect(await repo.finish('cap_1', finishAs('cancelled', late), { event: eventOf('cap_1', 'evt_y') })).toBe(false);
      expect(await repo.startAttempt('cap_1', 'att_2', 3, late)).toBe(false);
      // Another attempt's completion cannot finish it either.
      const other = { event: eventOf('cap_1', 'evt_z'), decidingAttemptId: 'att_9' };
      expect(await repo.finish('cap_1', finishAs('passed', late, 'call_9'), other)).toBe(false);

      const mine = { event: eventOf('cap_1', 'evt_1'), decidingAttemptId: 'att_1' };
      expect(await repo.finish('cap_1', finishAs('passed', late, 'call_1'), mine)).toBe(true);
      expect(await repo.find('cap_1')).toMatchObject({
        status: 'passed',
        callId: 'call_1',
        decidingAttemptId: null,
        decidingUntil: null,
      });
      // Finished: the expiry that comes after the charge changes nothing.
      expect(await repo.finish('cap_1', finishAs('expired', late), { event: eventOf('cap_1', 'evt_2') })).toBe(false);
      expect(await repo.find('cap_1')).toMatchObject({ status: 'passed', callId: 'call_1' });
      const events = await database.db.selectFrom('webhook_event').select('id').execute();
      expect(events.map((e) => e.id)).toEqual(['evt_1']);
    });

    it('an expiry that lands first wins, and the late completion can no longer finish the session', async () => {
      const repo = createCaptureSessionRepository(database);
      await repo.insert(base(orgId, appId, 'cap_1'));
      await repo.startAttempt('cap_1', 'att_1', 3, '2026-11-30T10:01:00.000Z');
      const late = '2026-11-30T10:11:00.000Z';
      expect((await repo.listExpired(late, 10)).map((s) => s.id)).toEqual(['cap_1']);
      expect(await repo.finish('cap_1', finishAs('expired', late), { event: eventOf('cap_1', 'evt_1') })).toBe(true);
      expect(await repo.claimAttempt('cap_1', 'att_1', '2026-11-30T10:16:00.000Z')).toBe(false);
      const mine = { event: eventOf('cap_1', 'evt_2'), decidingAttemptId: 'att_1' };
      expect(await repo.finish('cap_1', finishAs('passed', late, 'call_1'), mine)).toBe(false);
      expect(await repo.find('cap_1')).toMatchObject({ status: 'expired', callId: null });
    });

    it('a claim that ran out (its process died) lets the session expire', async () => {
      const repo = createCaptureSessionRepository(database);
      await repo.insert(base(orgId, appId, 'cap_1'));
      await repo.startAttempt('cap_1', 'att_1', 3, '2026-11-30T10:01:00.000Z');
      await repo.claimAttempt('cap_1', 'att_1', '2026-11-30T10:12:00.000Z');
      expect(await repo.listExpired('2026-11-30T10:11:00.000Z', 10)).toEqual([]);
      const after = '2026-11-30T10:12:00.001Z';
      expect((await repo.listExpired(after, 10)).map((s) => s.id)).toEqual(['cap_1']);
      expect(await repo.finish('cap_1', finishAs('expired', after), { event: eventOf('cap_1', 'evt_1') })).toBe(true);
    });

    it('stores the event’s fixed target (a notify_url) and reads it back', async () => {
      const repo = createCaptureSessionRepository(database);
      const webhooks = createWebhookRepository(database);
      await repo.insert(base(orgId, appId, 'cap_1', { notifyUrl: 'https://hooks.example/session' }));
      await repo.insert(base(orgId, appId, 'cap_2'));
      const at = '2026-11-30T10:05:00.000Z';
      await repo.finish('cap_1', finishAs('cancelled', at), {
        event: eventOf('cap_1', 'evt_1', 'https://hooks.example/session'),
      });
      await repo.finish('cap_2', finishAs('cancelled', at), { event: eventOf('cap_2', 'evt_2') });
      expect(await webhooks.find(orgId, 'evt_1')).toMatchObject({ targetUrl: 'https://hooks.example/session' });
      expect(await webhooks.find(orgId, 'evt_2')).toMatchObject({ targetUrl: null });
      const claimed = await webhooks.claimDue('w1', '2026-11-30T10:06:00.000Z', '2026-11-30T10:07:00.000Z', 10);
      expect(Object.fromEntries(claimed.map((e) => [e.id, e.targetUrl]))).toEqual({
        evt_1: 'https://hooks.example/session',
        evt_2: null,
      });
    });

    it('erasing a subject cancels its open sessions and erases its finished ones, in one transaction', async () => {
      const repo = createCaptureSessionRepository(database);
      const verifications = createVerificationRepository(database, clock);
      const webhooks = createWebhookRepository(database);
      await repo.insert(base(orgId, appId, 'cap_open', { notifyUrl: 'https://hooks.example/n' }));
      await repo.insert(base(orgId, appId, 'cap_new'));
      await repo.insert(base(orgId, appId, 'cap_done'));
      await repo.insert(base(orgId, appId, 'cap_other', { subjectRef: 'user-2' }));
      await repo.startAttempt('cap_open', 'att_1', 3, '2026-11-30T10:01:00.000Z');
      await repo.addFrame(
        {
          sessionId: 'cap_open',
          attemptId: 'att_1',
          step: 'still',
          index: 0,
          capturedAtMs: 0,
          receivedAt: '2026-11-30T10:01:00.000Z',
          analysisSealed: new Uint8Array([7]),
        },
        { perStep: 10, perAttempt: 10 },
      );
      await repo.startAttempt('cap_done', 'att_2', 3, '2026-11-30T10:01:00.000Z');
      await repo.claimAttempt('cap_done', 'att_2', '2026-11-30T10:16:00.000Z');
      await repo.finish('cap_done', finishAs('passed', '2026-11-30T10:05:00.000Z', 'call_1'), {
        event: eventOf('cap_done', 'evt_done'),
        decidingAttemptId: 'att_2',
      });

      // A failure inside the erasure's transaction (here: building an event) leaves everything as it was.
      await expect(
        verifications.eraseSubject(orgId, 'user-1', {
          cancelledEvent: () => {
            throw new Error('boom');
          },
        }),
      ).rejects.toThrow('boom');
      expect(await repo.find('cap_open')).toMatchObject({ status: 'in_progress', subjectRef: 'user-1' });
      expect(await repo.find('cap_done')).toMatchObject({ status: 'passed', subjectRef: 'user-1' });
      expect((await repo.find('cap_done'))?.resultSealed).not.toBeNull();

      const seen: string[] = [];
      const erased = await verifications.eraseSubject(orgId, 'user-1', {
        cancelledEvent: (session, now) => {
          seen.push(session.id);
          return { ...eventOf(session.id, `evt_cancel_${session.id}`, session.notifyUrl), createdAt: now };
        },
      });
      expect(erased).toMatchObject({ capture_sessions_cancelled: 2, capture_sessions_erased: 1 });
      expect(seen.sort()).toEqual(['cap_new', 'cap_open']);
      for (const id of ['cap_open', 'cap_new']) {
        expect(await repo.find(id)).toMatchObject({
          status: 'cancelled',
          reason: 'subject.erased',
          subjectRef: null,
          referenceSealed: null,
          finishedAt: clock.now().toISOString(),
          currentAttemptId: null,
        });
      }
      expect(await repo.listFrames('att_1')).toEqual([]);
      expect(await repo.find('cap_done')).toMatchObject({
        status: 'passed',
        subjectRef: null,
        referenceSealed: null,
        resultSealed: null,
        callId: 'call_1',
      });
      expect(await repo.find('cap_other')).toMatchObject({ status: 'not_started', subjectRef: 'user-2' });
      // The cancelled sessions' events (to the notify_url where there was one); the finished one's payload erased.
      expect(await webhooks.find(orgId, 'evt_cancel_cap_open')).toMatchObject({ targetUrl: 'https://hooks.example/n' });
      expect(await webhooks.find(orgId, 'evt_cancel_cap_new')).toMatchObject({ targetUrl: null });
      expect((await webhooks.find(orgId, 'evt_done'))?.payload).toEqual({ erased: true });
      // A cancelled session is final: its completion can no longer be charged into it.
      expect(await repo.startAttempt('cap_open', 'att_3', 3, '2026-11-30T10:21:00.000Z')).toBe(false);
    });

    it('issues an app’s first webhook secret with its update, once', async () => {
      const apps = createAppRepository(database);
      const webhooks = createWebhookRepository(database);
      const app = (await apps.find(appId))!;
      const secret = (id: string) => ({
        id,
        appId,
        createdAt: '2026-11-30T10:20:00.000Z',
        expiresAt: null,
        secretSealed: new Uint8Array([1, 2, 3]),
      });
      const now = '2026-11-30T10:20:00.000Z';
      const changed = { ...app, webhookUrl: 'https://hooks.example/app' };
      expect(await apps.update(changed, { firstWebhookSecret: secret('whsec_1'), now })).toEqual({
        webhookSecretIssued: true,
      });
      expect(await apps.update(changed, { firstWebhookSecret: secret('whsec_2'), now })).toEqual({
        webhookSecretIssued: false,
      });
      expect((await webhooks.activeSecrets(appId, now)).map((s) => s.id)).toEqual(['whsec_1']);
      expect((await apps.find(appId))?.webhookUrl).toBe('https://hooks.example/app');
      // Without a secret to issue, an update is a plain update.
      expect(await apps.update({ ...changed, name: 'Renamed' })).toEqual({ webhookSecretIssued: false });
      expect((await apps.find(appId))?.name).toBe('Renamed');
    });
  });
}
