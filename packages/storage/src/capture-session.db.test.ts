import { createApps, createOrganizations, type CaptureSession } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCaptureSessionRepository } from './capture-session.repository.js';
import type { VisageDatabase } from './database.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';
import { createAppRepository } from './app.repository.js';
import { createOrganizationRepository } from './organization.repository.js';
import { auditOn, manualClock, nodeCrypto } from './testing/account-ports.js';

const session: CaptureSession = {
  id: 'cap_1',
  orgId: 'org_a',
  appId: 'app_1',
  caller: {
    orgId: 'org_a',
    appId: 'app_1',
    keyId: 'ak_test_1',
    sandbox: true,
    decisionFar: '1e-4',
    allowMultipleFaces: false,
    imageRetentionSeconds: 0,
    resultRetentionSeconds: 0,
  },
  liveness: 'action',
  challenges: ['blink', 'turn_left'],
  subjectRef: 'user-1',
  bizNo: null,
  returnUrl: 'https://customer.example/done',
  notifyUrl: null,
  locale: 'zh-CN',
  maxAttempts: 2,
  attemptsUsed: 0,
  status: 'not_started',
  reason: null,
  createdAt: '2026-11-30T10:00:00.000Z',
  expiresAt: '2026-11-30T10:10:00.000Z',
  finishedAt: null,
  tokenHash: 'hash-url',
  tokenUsedAt: null,
  pageTokenHash: null,
  referenceSealed: new Uint8Array([1, 2, 3]),
  consentId: null,
  currentAttemptId: null,
  resultSealed: null,
  resultExpiresAt: null,
  callId: null,
  decidingAttemptId: null,
  decidingUntil: null,
};

const event = {
  id: 'evt_1',
  orgId: 'org_a',
  appId: 'app_1',
  mode: 'sandbox' as const,
  type: 'capture_session.finished' as const,
  payload: { id: 'cap_1', status: 'cancelled' },
  createdAt: '2026-11-30T10:05:00.000Z',
  targetUrl: null,
};

const frame = (attemptId: string, step: 'blink' | 'turn_left', index: number) => ({
  sessionId: 'cap_1',
  attemptId,
  step,
  index,
  capturedAtMs: index * 200,
  receivedAt: '2026-11-30T10:01:00.000Z',
  analysisSealed: new Uint8Array([index]),
});

for (const dialect of dialectNames) {
  describe(`capture session repository on ${dialect}`, () => {
    let database: VisageDatabase;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
    });
    afterEach(() => database.destroy());

    it('stores a session and finds it by id and by token hashes', async () => {
      const repo = createCaptureSessionRepository(database);
      await repo.insert(session);
      expect(await repo.find('cap_1')).toEqual(session);
      expect((await repo.findByTokenHash('hash-url'))?.id).toBe('cap_1');
      expect(await repo.findByPageTokenHash('hash-page')).toBeUndefined();
      expect(await repo.useToken('cap_1', 'hash-page', '2026-11-30T10:01:00.000Z')).toBe(true);
      expect(await repo.useToken('cap_1', 'hash-other', '2026-11-30T10:01:01.000Z')).toBe(false);
      expect((await repo.findByPageTokenHash('hash-page'))?.tokenUsedAt).toBe('2026-11-30T10:01:00.000Z');
    });

    it('bounds attempts and frames, and an ended attempt loses its frames', async () => {
      const repo = createCaptureSessionRepository(database);
      await repo.insert(session);
      const now = '2026-11-30T10:01:00.000Z';
      expect(await repo.startAttempt('cap_1', 'att_1', 2, now)).toBe(true);
      const limits = { perStep: 2, perAttempt: 3 };
      expect(await repo.addFrame(frame('att_1', 'blink', 0), limits)).toBe(true);
      expect(await repo.addFrame(frame('att_1', 'blink', 1), limits)).toBe(true);
      expect(await repo.addFrame(frame('att_1', 'blink', 2), limits)).toBe(false);
      expect(await repo.addFrame(frame('att_1', 'turn_left', 3), limits)).toBe(true);
      expect(await repo.addFrame(frame('att_1', 'turn_left', 4), limits)).toBe(false);
      expect((await repo.listFrames('att_1')).map((f) => f.index)).toEqual([0, 1, 3]);
      await repo.endAttempt('cap_1', 'att_1', 'liveness.spoof', now);
      expect(await repo.listFrames('att_1')).toEqual([]);
      expect(await repo.find('cap_1')).toMatchObject({
        status: 'in_progress',
        attemptsUsed: 1,
        currentAttemptId: null,
      });
      expect(await repo.startAttempt('cap_1', 'att_2', 2, now)).toBe(true);
      expect(await repo.startAttempt('cap_1', 'att_3', 2, now)).toBe(false);
      expect(await repo.find('cap_1')).toMatchObject({ attemptsUsed: 2, currentAttemptId: 'att_2' });
    });

    it('finishes once, writing the webhook event in the same transaction; expired sessions are listed', async () => {
      // The outbox refers to a real app.
      const clock = manualClock();
      const { audit } = auditOn(database, clock);
      const orgs = createOrganizationRepository(database);
      const organizations = createOrganizations({ repo: orgs, clock, crypto: nodeCrypto, audit });
      const orgId = (await organizations.create('Acme', { certified: true }, 'operator:alice')).id;
      const apps = createApps({
        apps: createAppRepository(database),
        orgs,
        clock,
        crypto: nodeCrypto,
        audit,
        maxResultRetentionSeconds: 86_400,
      });
      const appId = (await apps.create({ orgId, name: 'Checkout', actor: 'user:usr_owner' })).id;
      const repo = createCaptureSessionRepository(database);
      const mine = { ...session, orgId, appId };
      await repo.insert(mine);
      await repo.insert({ ...mine, id: 'cap_2', tokenHash: 'hash-2', expiresAt: '2026-11-30T09:00:00.000Z' });
      expect((await repo.listExpired('2026-11-30T10:05:00.000Z', 10)).map((s) => s.id)).toEqual(['cap_2']);
      const finish = {
        status: 'cancelled' as const,
        reason: null,
        finishedAt: '2026-11-30T10:05:00.000Z',
        resultSealed: null,
        resultExpiresAt: null,
        callId: null,
      };
      expect(await repo.finish('cap_1', finish, { event: { ...event, orgId, appId } })).toBe(true);
      expect(await repo.finish('cap_1', finish, { event: { ...event, orgId, appId, id: 'evt_2' } })).toBe(false);
      expect(await repo.find('cap_1')).toMatchObject({ status: 'cancelled', finishedAt: '2026-11-30T10:05:00.000Z' });
      const events = await database.db.selectFrom('webhook_event').select(['id', 'type']).execute();
      expect(events).toEqual([{ id: 'evt_1', type: 'capture_session.finished' }]);
    });
  });
}
