import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectNames } from '@visage/storage/testing';
import type { SigningKey } from '../http/request-signer.js';
import { capturePageRequest } from '../testing/capture-page.js';
import { cameraTimestamps, frameBody, frameContentType, framesOf } from '../testing/capture-frames.js';
import { fixture, operator, startTestPlatform, type TestPlatform } from '../testing/test-platform.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read as loose JSON; the assertions check them
type Body = Record<string, any>;

for (const dialect of dialectNames) {
  describe(`capture sessions on ${dialect}`, () => {
    let t: TestPlatform;
    let liveFrames: Buffer[];
    let spoofFrames: Buffer[];
    beforeAll(async () => {
      t = await startTestPlatform({ dialect, env: { VISAGE_SANDBOX_RATE_PER_SECOND: '1000' } });
      await t.services.pricing.setPrice({ product: 'liveness', amountFen: 30, actor: operator });
      await t.services.pricing.setPrice({ product: 'verification', amountFen: 100, actor: operator });
      liveFrames = await framesOf('nuaa-live-0001.jpg', 5);
      spoofFrames = await framesOf('nuaa-spoof-0001.jpg', 5);
    });
    afterAll(() => t.close());

    const page = (method: 'GET' | 'POST', url: string, pageToken?: string, body?: unknown) =>
      capturePageRequest(t, method, url, pageToken, body);

    const upload = async (pageToken: string, attemptId: string, step: string, index: number, frame: Buffer) => {
      const response = await t.platform.app.inject({
        method: 'POST',
        url: `/capture/api/attempts/${attemptId}/frames`,
        headers: {
          authorization: `Bearer ${pageToken}`,
          'content-type': frameContentType,
        },
        payload: frameBody({ step, index: String(index), captured_at_ms: String(cameraTimestamps[index]) }, frame),
      });
      return { status: response.statusCode, json: response.json() as Body };
    };

    async function createSession(key: SigningKey, body: Record<string, unknown>) {
      const created = await t.call(key, 'POST', '/v1/capture-sessions', {
        return_url: 'https://customer.example/done',
        ...body,
      });
      expect(created.status).toBe(200);
      const url = created.json['url'] as string;
      const token = url.slice(url.lastIndexOf('/') + 1);
      return { id: created.json['id'] as string, url, token };
    }

    /** open → consent → attempt: the page token and the attempt id. */
    async function startCapture(token: string) {
      const opened = await page('POST', '/capture/api/open', undefined, { token });
      expect(opened.status).toBe(200);
      const pageToken = opened.json['page_token'] as string;
      expect((await page('POST', '/capture/api/consent', pageToken, { accepted: true })).status).toBe(204);
      const attempt = await page('POST', '/capture/api/attempts', pageToken);
      expect(attempt.status).toBe(200);
      return { pageToken, attemptId: attempt.json['attempt_id'] as string, session: opened.json['session'] };
    }

    async function uploadAll(pageToken: string, attemptId: string, frames: Buffer[], step = 'still', from = 0) {
      for (const [i, frame] of frames.entries()) {
        const uploaded = await upload(pageToken, attemptId, step, from + i, frame);
        expect(uploaded.status, JSON.stringify(uploaded.json)).toBe(200);
      }
    }

    const eventsOf = (sessionId: string) =>
      t.services.database.db
        .selectFrom('webhook_event')
        .selectAll()
        .where('type', '=', 'capture_session.finished')
        .execute()
        .then((rows) => rows.filter((row) => JSON.parse(row.payload).id === sessionId));

    it('runs a still session end to end: passed, charged once, webhook event written with the GET body', async () => {
      const { orgId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
      const reference = (await sharp(fixture('nuaa-live-0001.jpg')).jpeg({ quality: 90 }).toBuffer()).toString(
        'base64',
      );
      const { id, url, token } = await createSession(key, {
        liveness: 'still',
        comparison: { type: 'reference', image: reference },
        subject_ref: 'user-7',
        biz_no: 'order-1',
        locale: 'en',
      });
      expect(id).toMatch(/^cap_/);
      expect(url).toMatch(/\/capture\/[A-Za-z0-9_-]{43}$/);

      const before = await t.call(key, 'GET', `/v1/capture-sessions/${id}`);
      expect(before.json).toMatchObject({ id, status: 'not_started', result: null, attempts_used: 0, max_attempts: 3 });

      const opened = await page('POST', '/capture/api/open', undefined, { token });
      expect(opened.status).toBe(200);
      expect(opened.json['session']).toMatchObject({
        id,
        app_name: 'Test app',
        liveness: 'still',
        challenges: [],
        locale: 'en',
        attempts_left: 3,
        status: 'not_started',
        operator_name: expect.any(String),
      });
      expect(opened.json['session'].consent.text).toContain(opened.json['session'].org_name);
      const again = await page('POST', '/capture/api/open', undefined, { token });
      expect(again.status).toBe(410);
      expect(again.json['error'].code).toBe('capture.link_used');

      const pageToken = opened.json['page_token'] as string;
      expect((await page('POST', '/capture/api/attempts', 'wrong-token')).json['error'].code).toBe(
        'capture.unauthorized',
      );
      const early = await page('POST', '/capture/api/attempts', pageToken);
      expect(early.status).toBe(409);
      expect(early.json['error'].code).toBe('capture.consent_required');
      expect((await page('POST', '/capture/api/consent', pageToken, { accepted: true })).status).toBe(204);
      const attempt = await page('POST', '/capture/api/attempts', pageToken);
      const attemptId = attempt.json['attempt_id'] as string;

      const png = await sharp(fixture('nuaa-live-0001.jpg')).png().toBuffer();
      const refused = await upload(pageToken, attemptId, 'still', 0, png);
      expect(refused.status).toBe(400);
      expect(refused.json['error'].code).toBe('capture.frame_invalid');

      await uploadAll(pageToken, attemptId, liveFrames);
      const done = await page('POST', `/capture/api/attempts/${attemptId}/completion`, pageToken);
      expect(done.status, JSON.stringify(done.json)).toBe(200);
      expect(done.json).toMatchObject({ status: 'passed', return_url: 'https://customer.example/done' });

      const read = await t.call(key, 'GET', `/v1/capture-sessions/${id}`);
      expect(read.status).toBe(200);
      expect(read.json).toMatchObject({ id, status: 'passed', reason: null, biz_no: 'order-1', attempts_used: 1 });
      const result = read.json['result'] as Body;
      expect(result).toMatchObject({ result_code: 'result.pass', decision: 'pass', match: true, billed: true });
      expect(result['confidence']).toBeGreaterThan(50);
      expect(result['liveness_details']).toMatchObject({
        mode: 'still',
        live: true,
        frame_count: 5,
        signals_fired: [],
      });
      expect(result['liveness_details']).not.toHaveProperty('reason_details');
      expect((result['liveness_details'] as Body)['signals']).toEqual([
        expect.objectContaining({ name: 'passive', evaluated: true, fired: false }),
        expect.objectContaining({ name: 'face_consistency', evaluated: true, fired: false }),
      ]);
      expect((await t.services.wallet.balances(orgId)).cash).toBe(900);
      // The consent came from the page: method capture_page, the text's version.
      const consentRow = await t.services.consents.find(orgId, read.json['consent_id'] as string);
      expect(consentRow).toMatchObject({ method: 'capture_page', subjectRef: 'user-7' });

      const events = await eventsOf(id);
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0]!.payload)).toEqual(read.json);
      expect(events[0]).toMatchObject({ mode: 'live', org_id: orgId });

      // Finished: the page cannot act again, and nothing is charged twice.
      const late = await page('POST', '/capture/api/attempts', pageToken);
      expect(late.status).toBe(409);
      expect(late.json['error']).toMatchObject({ code: 'capture.finished', details: { status: 'passed' } });
      expect((await t.services.wallet.balances(orgId)).cash).toBe(900);

      // Erasing the subject erases the session's result and its link to the person; the status stays.
      expect((await t.call(key, 'DELETE', '/v1/subjects/user-7')).status).toBe(200);
      const erased = await t.call(key, 'GET', `/v1/capture-sessions/${id}`);
      expect(erased.json).toMatchObject({ status: 'passed', subject_ref: null, result: null });
    });

    it('fails a different person’s reference with result.no_match (sandbox: free)', async () => {
      const { orgId, key } = await t.customer();
      const { id, token } = await createSession(key, {
        liveness: 'still',
        comparison: { type: 'reference', image: fixture('lfw-angela-bassett-0001.jpg').toString('base64') },
      });
      const { pageToken, attemptId } = await startCapture(token);
      await uploadAll(pageToken, attemptId, liveFrames);
      const done = await page('POST', `/capture/api/attempts/${attemptId}/completion`, pageToken);
      expect(done.json).toMatchObject({ status: 'failed', reason: 'result.no_match', attempts_left: 0 });
      const read = await t.call(key, 'GET', `/v1/capture-sessions/${id}`);
      expect(read.json).toMatchObject({ status: 'failed', reason: 'result.no_match', sandbox: true });
      expect(read.json['result']).toMatchObject({ match: false, billed: false, sandbox: true });
      expect(await t.services.wallet.balances(orgId)).toMatchObject({ cash: 0 });
      expect(await eventsOf(id)).toHaveLength(1);
    });

    it('lets a spoofed attempt be retried unbilled, then fails with liveness.spoof and charges once', async () => {
      const { orgId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
      const { id, token } = await createSession(key, { liveness: 'still', max_attempts: 2 });
      const { pageToken, attemptId } = await startCapture(token);
      await uploadAll(pageToken, attemptId, spoofFrames);
      const first = await page('POST', `/capture/api/attempts/${attemptId}/completion`, pageToken);
      expect(first.json).toMatchObject({ status: 'in_progress', reason: 'liveness.spoof', attempts_left: 1 });
      expect((await t.services.wallet.balances(orgId)).cash).toBe(1000);
      // The ended attempt takes no more frames.
      expect((await upload(pageToken, attemptId, 'still', 9, spoofFrames[0]!)).json['error'].code).toBe(
        'capture.attempt_not_found',
      );

      const second = await page('POST', '/capture/api/attempts', pageToken);
      const secondId = second.json['attempt_id'] as string;
      await uploadAll(pageToken, secondId, spoofFrames);
      const last = await page('POST', `/capture/api/attempts/${secondId}/completion`, pageToken);
      expect(last.json).toMatchObject({ status: 'failed', reason: 'liveness.spoof', attempts_left: 0 });
      const read = await t.call(key, 'GET', `/v1/capture-sessions/${id}`);
      expect(read.json).toMatchObject({ status: 'failed', reason: 'liveness.spoof', attempts_used: 2 });
      expect(read.json['result']).toMatchObject({ result_code: 'result.spoof', billed: true });
      expect((read.json['result'] as Body)['liveness_details']).toMatchObject({
        reason: 'liveness.spoof',
        signals: [
          { name: 'passive', evaluated: true, fired: true },
          { name: 'face_consistency', evaluated: true },
        ],
      });
      expect((read.json['result'] as Body)['liveness_details']).toHaveProperty('signals_fired.0', 'passive');
      // The measurements behind the reason, as liveness.spoof's error note describes them.
      expect((read.json['result'] as Body)['liveness_details']).toMatchObject({
        reason_details: { passive_score: expect.any(Number), threshold: expect.any(Number) },
      });
      expect((await t.services.wallet.balances(orgId)).cash).toBe(970);
      expect((await page('POST', '/capture/api/attempts', pageToken)).json['error'].code).toBe('capture.finished');
    });

    it('fails an action session fed a static image (nothing blinks or turns)', async () => {
      const { key } = await t.customer();
      const { id, token } = await createSession(key, { liveness: 'action', max_attempts: 1 });
      const { pageToken, attemptId, session } = await startCapture(token);
      const challenges = session.challenges as string[];
      expect(challenges.length).toBeGreaterThanOrEqual(2);
      expect(challenges.length).toBeLessThanOrEqual(4);
      expect(new Set(challenges).size).toBe(challenges.length);
      let index = 0;
      for (const step of challenges) {
        await uploadAll(pageToken, attemptId, liveFrames.slice(0, 3), step, index);
        index += 3;
      }
      const done = await page('POST', `/capture/api/attempts/${attemptId}/completion`, pageToken);
      expect(done.json['status']).toBe('failed');
      expect(done.json['reason']).toMatch(/^liveness\./);
      const read = await t.call(key, 'GET', `/v1/capture-sessions/${id}`);
      expect((read.json['result'] as Record<string, unknown>)['liveness_details']).toMatchObject({
        mode: 'action',
        live: false,
      });
    });

    it('gives a flash session a stored random colour sequence and fails frames that do not reflect it', async () => {
      const { key } = await t.customer();
      const { id, token } = await createSession(key, { liveness: 'flash', max_attempts: 1 });
      const { pageToken, attemptId, session } = await startCapture(token);
      const frames = await framesOf('nuaa-live-0001.jpg', 12);
      const flash = session.flash as { color: string; duration_ms: number }[];
      expect(flash.length).toBeGreaterThanOrEqual(4);
      expect(flash.length).toBeLessThanOrEqual(6);
      for (const [i, step] of flash.entries()) {
        expect(step.duration_ms).toBeGreaterThanOrEqual(400);
        expect(step.duration_ms).toBeLessThanOrEqual(700);
        if (i > 0) expect(step.color).not.toBe(flash[i - 1]!.color);
      }
      // The sequence is the stored one: the page's session view repeats it.
      expect((await page('GET', '/capture/api/session', pageToken)).json['flash']).toEqual(flash);
      expect((await upload(pageToken, attemptId, 'blink', 0, liveFrames[0]!)).json['error'].code).toBe(
        'request.invalid',
      );
      // A static picture (only brightness changes between frames): its colour follows no sequence.
      for (let i = 0; i < flash.length; i++) {
        await uploadAll(pageToken, attemptId, frames.slice(2 * i, 2 * i + 2), `flash_${i}`, 2 * i);
      }
      const done = await page('POST', `/capture/api/attempts/${attemptId}/completion`, pageToken);
      expect(done.json).toMatchObject({ status: 'failed', reason: 'liveness.challenge_failed' });
      const read = await t.call(key, 'GET', `/v1/capture-sessions/${id}`);
      expect(read.json).toMatchObject({ liveness: 'flash', challenges: [] });
      expect((read.json['result'] as Body)['liveness_details']).toMatchObject({
        mode: 'flash',
        live: false,
        challenges: [{ name: 'flash', passed: false, evidence: { problem: 'no_response' } }],
      });
    });

    it('records unsupported and cancelled, and expires sessions on read, each with one event', async () => {
      const { key } = await t.customer();
      const unsupported = await createSession(key, { liveness: 'still' });
      const opened = await page('POST', '/capture/api/open', undefined, { token: unsupported.token });
      const noCamera = await page('POST', '/capture/api/unsupported', opened.json['page_token'], {
        reason: 'no camera',
      });
      expect(noCamera.status).toBe(204);
      expect((await t.call(key, 'GET', `/v1/capture-sessions/${unsupported.id}`)).json).toMatchObject({
        status: 'unsupported',
        reason: 'no camera',
        result: null,
      });

      const cancelled = await createSession(key, { liveness: 'still' });
      const openedToo = await page('POST', '/capture/api/open', undefined, { token: cancelled.token });
      expect((await page('POST', '/capture/api/cancel', openedToo.json['page_token'])).status).toBe(204);
      expect((await t.call(key, 'GET', `/v1/capture-sessions/${cancelled.id}`)).json['status']).toBe('cancelled');

      const expiring = await createSession(key, { liveness: 'still', expires_in: 60 });
      await t.services.database.db
        .updateTable('capture_session')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('id', '=', expiring.id)
        .execute();
      const gone = await page('POST', '/capture/api/open', undefined, { token: expiring.token });
      expect(gone.status).toBe(410);
      expect(gone.json['error'].code).toBe('capture.expired');
      expect((await t.call(key, 'GET', `/v1/capture-sessions/${expiring.id}`)).json['status']).toBe('expired');
      for (const { id } of [unsupported, cancelled, expiring]) expect(await eventsOf(id)).toHaveLength(1);
    });

    it('expires open sessions in the sweep, with their event, and leaves finished ones alone', async () => {
      const { key } = await t.customer();
      const stale = await createSession(key, { liveness: 'still' });
      const fresh = await createSession(key, { liveness: 'still' });
      await t.services.database.db
        .updateTable('capture_session')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('id', '=', stale.id)
        .execute();
      expect(await t.platform.captureSessions.expireDue()).toBeGreaterThanOrEqual(1);
      const row = await t.services.database.db
        .selectFrom('capture_session')
        .select('status')
        .where('id', '=', stale.id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('expired');
      expect(await eventsOf(stale.id)).toHaveLength(1);
      expect((await t.call(key, 'GET', `/v1/capture-sessions/${fresh.id}`)).json['status']).toBe('not_started');
      await t.platform.captureSessions.expireDue();
      expect(await eventsOf(stale.id)).toHaveLength(1);
    });

    it('decides a double-submitted completion once and charges once', async () => {
      const { orgId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
      const { token } = await createSession(key, { liveness: 'still' });
      const { pageToken, attemptId } = await startCapture(token);
      await uploadAll(pageToken, attemptId, liveFrames);
      const both = await Promise.all([
        page('POST', `/capture/api/attempts/${attemptId}/completion`, pageToken),
        page('POST', `/capture/api/attempts/${attemptId}/completion`, pageToken),
      ]);
      const statuses = both.map((r) => r.status).sort();
      expect(statuses[0]).toBe(200);
      expect(statuses[1]).toBeGreaterThanOrEqual(400);
      expect(both.find((r) => r.status === 200)!.json['status']).toBe('passed');
      expect((await t.services.wallet.balances(orgId)).cash).toBe(970);
    });

    it('hides other organisations’ sessions and the other key mode’s', async () => {
      const a = await t.customer();
      const b = await t.customer();
      const { id } = await createSession(a.key, { liveness: 'still' });
      const other = await t.call(b.key, 'GET', `/v1/capture-sessions/${id}`);
      expect(other.status).toBe(404);
      expect((other.json['error'] as Record<string, unknown>)['code']).toBe('capture.not_found');
    });

    it('refuses unsigned creation and bad input', async () => {
      const unsigned = await t.platform.app.inject({
        method: 'POST',
        url: '/v1/capture-sessions',
        payload: { liveness: 'still', return_url: 'https://x.example/' },
      });
      expect(unsigned.statusCode).toBe(401);
      const { key } = await t.customer();
      const tooLong = await t.call(key, 'POST', '/v1/capture-sessions', {
        liveness: 'still',
        return_url: 'https://x.example/',
        expires_in: 7200,
      });
      expect(tooLong.status).toBe(400);
    });
  });
}
