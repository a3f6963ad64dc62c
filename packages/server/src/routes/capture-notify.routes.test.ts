import { verifyWebhookSignature } from '@visage/contracts';
import type { CaptureSessionRepository } from '@visage/core';
import { insertWebhookEvent } from '@visage/storage';
import { dialectNames } from '@visage/storage/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SigningKey } from '../http/request-signer.js';
import { capturePageRequest } from '../testing/capture-page.js';
import { cameraTimestamps, frameBody, frameContentType, framesOf } from '../testing/capture-frames.js';
import { waitFor } from '../testing/wait-for.js';
import { startHookReceiver } from '../testing/hook-receiver.js';
import { fixture, operator, startTestPlatform, type TestPlatform } from '../testing/test-platform.js';
import { webhookEventView } from './console-webhooks.routes.js';

/**
 * Issue 5's remainder through the running platform: a session's notify_url (checked on creation and at delivery,
 * signed with the app's secret), the consent text's language, a subject's erasure reaching open sessions, and the
 * race between a completion's charge and an expiry.
 */

for (const dialect of dialectNames) {
  describe(`capture notify_url, locale, erasure and expiry races on ${dialect}`, () => {
    let t: TestPlatform;
    let liveFrames: Buffer[];
    let appReceiver: Awaited<ReturnType<typeof startHookReceiver>>;
    let notifyReceiver: Awaited<ReturnType<typeof startHookReceiver>>;
    beforeAll(async () => {
      appReceiver = await startHookReceiver('/hooks');
      notifyReceiver = await startHookReceiver('/hooks');
      t = await startTestPlatform({
        dialect,
        env: {
          VISAGE_SANDBOX_RATE_PER_SECOND: '1000',
          VISAGE_WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
          VISAGE_WEBHOOK_INTERVAL_SECONDS: '1',
          VISAGE_WEBHOOK_FIRST_RETRY_SECONDS: '1',
        },
      });
      await t.services.pricing.setPrice({ product: 'liveness', amountFen: 30, actor: operator });
      await t.services.pricing.setPrice({ product: 'verification', amountFen: 100, actor: operator });
      liveFrames = await framesOf('nuaa-live-0001.jpg', 5);
    });
    afterAll(async () => {
      await t.close();
      await appReceiver.close();
      await notifyReceiver.close();
    });

    const page = (
      method: 'GET' | 'POST',
      url: string,
      pageToken?: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => capturePageRequest(t, method, url, pageToken, body, headers);

    const upload = async (pageToken: string, attemptId: string, index: number, frame: Buffer) => {
      const response = await t.platform.app.inject({
        method: 'POST',
        url: `/capture/api/attempts/${attemptId}/frames`,
        headers: { authorization: `Bearer ${pageToken}`, 'content-type': frameContentType },
        payload: frameBody(
          { step: 'still', index: String(index), captured_at_ms: String(cameraTimestamps[index]) },
          frame,
        ),
      });
      expect(response.statusCode, response.body).toBe(200);
    };

    async function createSession(key: SigningKey, body: Record<string, unknown>) {
      const created = await t.call(key, 'POST', '/v1/capture-sessions', {
        return_url: 'https://customer.example/done',
        liveness: 'still',
        ...body,
      });
      expect(created.status, JSON.stringify(created.json)).toBe(200);
      const url = created.json['url'] as string;
      return { id: created.json['id'] as string, token: url.slice(url.lastIndexOf('/') + 1) };
    }

    /** open → consent → attempt → frames: ready for completion. */
    async function captureUpTo(token: string) {
      const opened = await page('POST', '/capture/api/open', undefined, { token });
      expect(opened.status).toBe(200);
      const pageToken = opened.json['page_token'] as string;
      expect((await page('POST', '/capture/api/consent', pageToken, { accepted: true })).status).toBe(204);
      const attemptId = (await page('POST', '/capture/api/attempts', pageToken)).json['attempt_id'] as string;
      for (const [i, frame] of liveFrames.entries()) await upload(pageToken, attemptId, i, frame);
      return { pageToken, attemptId };
    }
    const complete = (pageToken: string, attemptId: string) =>
      page('POST', `/capture/api/attempts/${attemptId}/completion`, pageToken);

    /** A customer whose app has a webhook URL: its first signing secret came with the update. */
    async function customerWithSecret(options: { mode?: 'live' | 'sandbox'; cashFen?: number } = {}) {
      const customer = await t.customer(options);
      const updated = await t.services.apps.update(
        customer.orgId,
        customer.appId,
        { webhookUrl: appReceiver.url },
        operator,
      );
      expect(updated.issuedWebhookSecret?.secret).toMatch(/^whsec_/);
      return { ...customer, secret: updated.issuedWebhookSecret!.secret };
    }

    const sessionCount = async () =>
      Number(
        (
          await t.services.database.db
            .selectFrom('capture_session')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const eventsOf = async (sessionId: string) =>
      (await t.services.database.db.selectFrom('webhook_event').selectAll().execute()).filter(
        (row) => row.subject_id === sessionId,
      );
    const expireNow = (id: string) =>
      t.services.database.db
        .updateTable('capture_session')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('id', '=', id)
        .execute();

    it('refuses an internal notify_url, and a notify_url for an app without a secret, writing nothing', async () => {
      const { key } = await t.customer();
      const before = await sessionCount();
      for (const url of ['http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/hook', 'http://127.0.0.2:9/x']) {
        const refused = await t.call(key, 'POST', '/v1/capture-sessions', {
          liveness: 'still',
          return_url: 'https://customer.example/done',
          notify_url: url,
        });
        expect(refused.status, url).toBe(422);
        expect(refused.json['error']).toMatchObject({
          code: 'capture.notify_url_refused',
          details: { reason: 'address_not_allowed' },
        });
        // The refused address stays in the server's log: the answer does not tell what the name resolved to.
        expect((refused.json['error'] as { details: unknown }).details).toEqual({ reason: 'address_not_allowed' });
      }
      // An allowed address, but the app has no signing secret: never send unsigned.
      const unsigned = await t.call(key, 'POST', '/v1/capture-sessions', {
        liveness: 'still',
        return_url: 'https://customer.example/done',
        notify_url: notifyReceiver.url,
      });
      expect(unsigned.status).toBe(409);
      expect(unsigned.json['error']).toMatchObject({ code: 'capture.webhook_secret_required' });
      expect(await sessionCount()).toBe(before);
    });

    it('delivers a finished session’s event to its notify_url, signed with the app’s secret, and keeps it there', async () => {
      const { key, appId, orgId, secret } = await customerWithSecret({ mode: 'live', cashFen: 1000 });
      const { id, token } = await createSession(key, { notify_url: notifyReceiver.url, subject_ref: 'notify-1' });
      const { pageToken, attemptId } = await captureUpTo(token);
      const done = await complete(pageToken, attemptId);
      expect(done.json).toMatchObject({ status: 'passed' });
      const read = await t.call(key, 'GET', `/v1/capture-sessions/${id}`);
      expect(read.json).toMatchObject({ id, status: 'passed' });

      const delivered = await waitFor(() => notifyReceiver.received.find((r) => JSON.parse(r.body).data?.id === id));
      const verified = await verifyWebhookSignature(
        secret,
        delivered.headers as Record<string, string>,
        delivered.body,
      );
      expect(JSON.parse(delivered.body)).toMatchObject({
        id: verified.id,
        type: 'capture_session.finished',
        mode: 'live',
        data: read.json,
      });
      // Not to the app's webhook URL.
      expect(appReceiver.received.some((r) => JSON.parse(r.body).data?.id === id)).toBe(false);
      const [event] = await eventsOf(id);
      expect(event).toMatchObject({ target_url: notifyReceiver.url });
      // The console's event view shows where it goes.
      const { event: shown } = await t.services.webhooks.getEvent(orgId, appId, event!.id);
      expect(webhookEventView(shown)).toMatchObject({ id: event!.id, target_url: notifyReceiver.url });
      await waitFor(async () => (await t.services.webhookRepository.find(orgId, verified.id))?.status === 'delivered');

      // The app's webhook URL changes later: a resend of this event still goes to the session's notify_url.
      const moved = await startHookReceiver('/hooks');
      try {
        await t.services.apps.update(orgId, appId, { webhookUrl: moved.url }, operator);
        await t.services.webhooks.resend(orgId, appId, verified.id, operator);
        const again = await waitFor(
          () => notifyReceiver.received.filter((r) => r.headers['webhook-id'] === verified.id)[1],
        );
        expect(again.body).toBe(delivered.body);
        expect(moved.received).toEqual([]);
      } finally {
        await moved.close();
      }
    }, 60_000);

    it('checks the stored target again at delivery: an address not allowed then is refused, nothing is sent', async () => {
      const { orgId, appId } = await customerWithSecret();
      const outside = await startHookReceiver('/hooks', { host: '127.0.0.2' });
      try {
        const eventId = t.services.crypto.randomId('evt');
        const now = new Date().toISOString();
        await t.services.database.db.transaction().execute((trx) =>
          insertWebhookEvent(trx, {
            id: eventId,
            orgId,
            appId,
            mode: 'sandbox',
            type: 'capture_session.finished',
            payload: { id: 'cap_outside' },
            createdAt: now,
            targetUrl: outside.url,
          }),
        );
        const attempts = await waitFor(async () => {
          const list = await t.services.webhookRepository.attempts(eventId);
          return list.length > 0 && list;
        });
        expect(attempts[0]).toMatchObject({ url: outside.url, statusCode: null });
        expect(attempts[0]!.error).toMatch(/refused|not allowed|address/i);
        expect(outside.received).toEqual([]);
      } finally {
        await outside.close();
      }
    }, 30_000);

    it('shows the consent in the session’s locale, else the browser’s, else zh-CN, and records the one shown', async () => {
      const { key, orgId } = await t.customer();
      const texts = async (accept: string | undefined, locale?: string) => {
        const { id, token } = await createSession(key, locale ? { locale } : {});
        const opened = await page(
          'POST',
          '/capture/api/open',
          undefined,
          { token },
          accept ? { 'accept-language': accept } : {},
        );
        expect(opened.status).toBe(200);
        return { id, pageToken: opened.json['page_token'] as string, consent: opened.json['session'].consent };
      };
      const english = await texts('en-US,en;q=0.9,zh-CN;q=0.8');
      expect(english.consent).toMatchObject({ version: 'capture-2026-11-30', locale: 'en' });
      expect(english.consent.text).toMatch(/^Org .* asks you to take a short video selfie/);
      expect(english.consent.texts['zh-CN']).toContain('请您拍摄');
      const chinese = await texts('zh-TW,zh;q=0.9,en;q=0.5');
      expect(chinese.consent.locale).toBe('zh-CN');
      expect(chinese.consent.text).toContain('请您拍摄');
      expect((await texts(undefined)).consent.locale).toBe('zh-CN');
      expect((await texts('fr-FR,de;q=0.8')).consent.locale).toBe('zh-CN');
      expect((await texts('fr;q=0.9,en;q=0.1')).consent.locale).toBe('en');
      // The session's locale wins over the browser's.
      const fixed = await texts('en-US', 'zh-CN');
      expect(fixed.consent.locale).toBe('zh-CN');
      const session = await page('GET', '/capture/api/session', fixed.pageToken, undefined, {
        'accept-language': 'en',
      });
      expect(session.json['consent'].locale).toBe('zh-CN');

      // Consent records the version and the language of the text the person read.
      const consentOf = async (sessionId: string) => {
        const read = await t.call(key, 'GET', `/v1/capture-sessions/${sessionId}`);
        return t.services.consents.find(orgId, read.json['consent_id'] as string);
      };
      expect(
        (await page('POST', '/capture/api/consent', english.pageToken, { accepted: true }, { 'accept-language': 'en' }))
          .status,
      ).toBe(204);
      expect(await consentOf(english.id)).toMatchObject({ textVersion: 'capture-2026-11-30:en' });
      // The page switched to English on a zh-CN session: it says so.
      expect(
        (await page('POST', '/capture/api/consent', fixed.pageToken, { accepted: true, locale: 'en' })).status,
      ).toBe(204);
      expect(await consentOf(fixed.id)).toMatchObject({ textVersion: 'capture-2026-11-30:en' });
      expect((await page('POST', '/capture/api/consent', chinese.pageToken, { accepted: true })).status).toBe(204);
      expect(await consentOf(chinese.id)).toMatchObject({ textVersion: 'capture-2026-11-30:zh-CN' });
      const bad = await page('POST', '/capture/api/consent', chinese.pageToken, { accepted: true, locale: 'fr' });
      expect(bad.status).toBe(400);
    });

    it('erasing a subject cancels its open session (frames dropped, nothing charged) with an event and an audit entry', async () => {
      const { key, orgId, secret } = await customerWithSecret({ mode: 'live', cashFen: 1000 });
      const { id, token } = await createSession(key, {
        subject_ref: `erase-me-${dialect}`,
        notify_url: notifyReceiver.url,
        comparison: { type: 'reference', image: fixture('nuaa-live-0001.jpg').toString('base64') },
      });
      const { pageToken, attemptId } = await captureUpTo(token);
      const frames = () =>
        t.services.database.db.selectFrom('capture_frame').select('attempt_id').where('session_id', '=', id).execute();
      expect(await frames()).toHaveLength(5);

      const erased = await t.call(key, 'DELETE', `/v1/subjects/erase-me-${dialect}`);
      expect(erased.status).toBe(200);
      expect(erased.json['erased']).toMatchObject({ capture_sessions_cancelled: 1, capture_sessions_erased: 0 });
      expect(await frames()).toEqual([]);
      const read = await t.call(key, 'GET', `/v1/capture-sessions/${id}`);
      expect(read.json).toMatchObject({
        status: 'cancelled',
        reason: 'subject.erased',
        subject_ref: null,
        result: null,
      });
      const row = await t.services.database.db
        .selectFrom('capture_session')
        .select(['reference_sealed', 'result_sealed'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ reference_sealed: null, result_sealed: null });

      // The page's completion comes too late: refused, and nothing is charged.
      const late = await complete(pageToken, attemptId);
      expect(late.status).toBe(409);
      expect(late.json['error']).toMatchObject({ code: 'capture.finished', details: { status: 'cancelled' } });
      expect((await t.services.wallet.balances(orgId)).cash).toBe(1000);

      const audit = await t.services.database.db
        .selectFrom('audit_log')
        .select(['action', 'actor'])
        .where('subject', '=', id)
        .orderBy('seq')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['capture_session.created', 'capture_session.cancelled']);
      expect(audit[1]!.actor).toBe(`key:${key.keyId}`);

      // The customer's server learns of it, signed, at the session's notify_url.
      const told = await waitFor(() => notifyReceiver.received.find((r) => JSON.parse(r.body).data?.id === id));
      await verifyWebhookSignature(secret, told.headers as Record<string, string>, told.body);
      expect(JSON.parse(told.body).data).toMatchObject({ status: 'cancelled', reason: 'subject.erased', result: null });
      expect(JSON.stringify(JSON.parse(told.body))).not.toContain('erase-me');
    }, 60_000);

    it('gives the claim back when the charge is refused: no charge, and the person can try again later', async () => {
      const { key, orgId } = await t.customer({ mode: 'live', cashFen: 10 });
      const { id, token } = await createSession(key, {});
      const { pageToken, attemptId } = await captureUpTo(token);
      const refused = await complete(pageToken, attemptId);
      expect(refused.json['error']).toMatchObject({ code: 'billing.insufficient_balance' });
      expect((await t.services.wallet.balances(orgId)).cash).toBe(10);
      expect((await t.call(key, 'GET', `/v1/capture-sessions/${id}`)).json['status']).toBe('in_progress');
      // Not held by a dead decision: another attempt starts, and the sweeper could expire it.
      const again = await page('POST', '/capture/api/attempts', pageToken);
      expect(again.status, JSON.stringify(again.json)).toBe(200);
      await expireNow(id);
      await t.platform.captureSessions.expireDue();
      expect((await t.call(key, 'GET', `/v1/capture-sessions/${id}`)).json['status']).toBe('expired');
    });

    describe('a completion racing an expiry', () => {
      const repo = () =>
        t.services.captureSessions as { -readonly [K in keyof CaptureSessionRepository]: CaptureSessionRepository[K] };
      let restore: (() => void) | undefined;
      afterEach(() => {
        restore?.();
        restore = undefined;
      });
      /** Runs `before` inside the repository call `name`, ahead of the real call: a deterministic interleaving. */
      function interleave<K extends 'claimAttempt' | 'finish'>(
        name: K,
        around: (real: CaptureSessionRepository[K]) => CaptureSessionRepository[K],
      ) {
        const target = repo();
        const real = target[name].bind(target) as CaptureSessionRepository[K];
        target[name] = around(real);
        restore = () => {
          target[name] = real;
        };
      }

      it('an expiry after the charge was posted does not turn the charged session to expired', async () => {
        const { key, orgId } = await t.customer({ mode: 'live', cashFen: 1000 });
        const { id, token } = await createSession(key, {});
        const { pageToken, attemptId } = await captureUpTo(token);
        let expiredDuring: number | undefined;
        let readDuring: unknown;
        interleave('finish', (real) => async (sessionId, finish, options) => {
          if (options.decidingAttemptId !== undefined && expiredDuring === undefined) {
            // The charge is posted by now; the sweeper and a lazy expiry (a GET) land before the result is written.
            expect((await t.services.wallet.balances(orgId)).cash).toBe(970);
            await expireNow(sessionId);
            expiredDuring = await t.platform.captureSessions.expireDue();
            readDuring = (await t.call(key, 'GET', `/v1/capture-sessions/${sessionId}`)).json['status'];
          }
          return real(sessionId, finish, options);
        });
        const done = await complete(pageToken, attemptId);
        expect(done.status, JSON.stringify(done.json)).toBe(200);
        expect(done.json).toMatchObject({ status: 'passed' });
        expect(expiredDuring).toBe(0);
        expect(readDuring).toBe('in_progress');
        const read = await t.call(key, 'GET', `/v1/capture-sessions/${id}`);
        expect(read.json).toMatchObject({ status: 'passed' });
        expect(read.json['result']).toMatchObject({ billed: true });
        expect((await t.services.wallet.balances(orgId)).cash).toBe(970);
        expect((await eventsOf(id)).map((e) => JSON.parse(e.payload).status)).toEqual(['passed']);
      });

      it('an expiry that lands before the completion claims the attempt wins, and nothing is charged', async () => {
        const { key, orgId } = await t.customer({ mode: 'live', cashFen: 1000 });
        const { id, token } = await createSession(key, {});
        const { pageToken, attemptId } = await captureUpTo(token);
        interleave('claimAttempt', (real) => async (sessionId, attempt, until) => {
          await expireNow(sessionId);
          expect(await t.platform.captureSessions.expireDue()).toBeGreaterThanOrEqual(1);
          return real(sessionId, attempt, until);
        });
        const done = await complete(pageToken, attemptId);
        expect(done.status).toBeGreaterThanOrEqual(400);
        expect((await t.call(key, 'GET', `/v1/capture-sessions/${id}`)).json).toMatchObject({
          status: 'expired',
          result: null,
        });
        expect((await t.services.wallet.balances(orgId)).cash).toBe(1000);
        expect((await eventsOf(id)).map((e) => JSON.parse(e.payload).status)).toEqual(['expired']);
      });

      it('a claim that ran out mid-decision lets the expiry win, and the decision is not charged', async () => {
        const { key, orgId } = await t.customer({ mode: 'live', cashFen: 1000 });
        // One attempt: the decision goes to the charge (a failed decision with attempts left is never charged).
        const { id, token } = await createSession(key, { max_attempts: 1 });
        const { pageToken, attemptId } = await captureUpTo(token);
        // The claim is taken with a lease already over (a decision slower than the claim), and the sweeper runs.
        interleave('claimAttempt', (real) => async (sessionId, attempt) => {
          const claimed = await real(sessionId, attempt, new Date(Date.now() - 1).toISOString());
          await expireNow(sessionId);
          expect(await t.platform.captureSessions.expireDue()).toBeGreaterThanOrEqual(1);
          return claimed;
        });
        const done = await complete(pageToken, attemptId);
        expect(done.status, JSON.stringify(done.json)).toBe(409);
        expect(done.json['error']).toMatchObject({ code: 'capture.finished', details: { status: 'expired' } });
        expect((await t.call(key, 'GET', `/v1/capture-sessions/${id}`)).json['status']).toBe('expired');
        expect((await t.services.wallet.balances(orgId)).cash).toBe(1000);
      });
    });
  });
}
