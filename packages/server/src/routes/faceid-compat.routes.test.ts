import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectNames } from '@visage/storage/testing';
import { loggedUrl } from '../app.js';
import { createFaceIdClient, faceIdNotifySignValid, faceIdSign } from '../testing/faceid-client.js';
import { capturePageRequest } from '../testing/capture-page.js';
import { cameraTimestamps, frameBody, frameContentType, framesOf } from '../testing/capture-frames.js';
import { waitFor } from '../testing/wait-for.js';
import { startHookReceiver } from '../testing/hook-receiver.js';
import { fixture, operator, startTestPlatform, type TestPlatform } from '../testing/test-platform.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read as loose JSON; the assertions check them
type Body = Record<string, any>;

interface Notified {
  readonly contentType: string | undefined;
  readonly fields: Record<string, string>;
}

/** A customer's notify_url receiver: keeps every form it was POSTed. */
async function startNotifyReceiver() {
  let failures = 0;
  const receiver = await startHookReceiver('/faceid/notify', {
    reply: () => {
      if (failures === 0) return { status: 200, text: 'OK' };
      failures--;
      return { status: 503, text: 'down' };
    },
  });
  return {
    url: receiver.url,
    get received(): Notified[] {
      return receiver.received.map(({ headers, body }) => ({
        contentType: headers['content-type'],
        fields: Object.fromEntries(new URLSearchParams(body)),
      }));
    },
    /** The next `count` posts are answered 503 (the receiver is down for a while). */
    failNext(count: number) {
      failures = count;
    },
    close: receiver.close,
  };
}

describe('FaceID credentials in URLs', () => {
  it('are masked in the request log', () => {
    const logged = loggedUrl('/faceid/lite/get_result?api_key=key_1&api_secret=s3cr3t&biz_id=cap_1&sign=abc%2B');
    expect(logged).toBe('/faceid/lite/get_result?api_key=key_1&api_secret=[redacted]&biz_id=cap_1&sign=[redacted]');
  });
});

for (const dialect of dialectNames) {
  describe(`the FaceID-compatible API on ${dialect}, driven by a FaceID-style client`, () => {
    let t: TestPlatform;
    let baseUrl: string;
    let receiver: Awaited<ReturnType<typeof startNotifyReceiver>>;
    let liveFrames: Buffer[];
    beforeAll(async () => {
      receiver = await startNotifyReceiver();
      t = await startTestPlatform({
        dialect,
        env: {
          VISAGE_SANDBOX_RATE_PER_SECOND: '1000',
          VISAGE_WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
          VISAGE_WEBHOOK_INTERVAL_SECONDS: '1',
          VISAGE_WEBHOOK_FIRST_RETRY_SECONDS: '1',
        },
      });
      await t.services.pricing.setPrice({ product: 'compare', amountFen: 10, actor: operator });
      await t.services.pricing.setPrice({ product: 'liveness', amountFen: 30, actor: operator });
      await t.services.pricing.setPrice({ product: 'verification', amountFen: 100, actor: operator });
      baseUrl = await t.platform.app.listen({ host: '127.0.0.1', port: 0 });
      liveFrames = await framesOf('nuaa-live-0001.jpg', 5);
    });
    afterAll(async () => {
      await t?.close();
      await receiver?.close();
    });

    const clientOf = (key: { keyId: string; secret: string }) =>
      createFaceIdClient(baseUrl, { apiKey: key.keyId, apiSecret: key.secret });

    it('Face++ compare: same person above the 1e-4 threshold, another person below, billed once each', async () => {
      const { orgId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
      const client = clientOf(key);
      const same = await client.compareFiles(
        fixture('lfw-anthony-fauci-0001.jpg'),
        fixture('lfw-anthony-fauci-0002.jpg'),
      );
      expect(same.status, JSON.stringify(same.json)).toBe(200);
      expect(Object.keys(same.json.thresholds).sort()).toEqual(['1e-3', '1e-4', '1e-5']);
      expect(same.json.confidence).toBeGreaterThan(same.json.thresholds['1e-4']);
      expect(same.json).toMatchObject({
        request_id: expect.any(String),
        time_used: expect.any(Number),
        faces1: [{ face_rectangle: { top: expect.any(Number), left: expect.any(Number) } }],
        faces2: [{ face_token: expect.any(String) }],
      });
      // Urlencoded base64 fields, as the other half of Face++ clients send them.
      const other = await client.compareBase64(
        fixture('lfw-anthony-fauci-0001.jpg'),
        fixture('lfw-angela-bassett-0001.jpg'),
      );
      expect(other.status, JSON.stringify(other.json)).toBe(200);
      expect(other.json.confidence).toBeLessThan(other.json.thresholds['1e-4']);
      // Both charged through our billing, at the compare price; consent marked as taken under the agreement.
      const balances = await t.services.wallet.balances(orgId);
      expect(balances).toMatchObject({ cash: 1000 - 20 });
      const rows = await t.services.database.db.selectFrom('consent').selectAll().where('org_id', '=', orgId).execute();
      expect(rows).toHaveLength(2);
      expect(rows.every((row) => row.method === 'customer_agreement' && row.text_version === 'faceid-compat')).toBe(
        true,
      );
    });

    it('answers FaceID-style errors: wrong key, missing field, unsupported field, no face, key rules', async () => {
      const { key } = await t.customer();
      const wrong = await clientOf({ keyId: key.keyId, secret: `${key.secret}x` }).compareFiles(
        fixture('lfw-anthony-fauci-0001.jpg'),
        fixture('lfw-anthony-fauci-0002.jpg'),
      );
      expect(wrong.status).toBe(401);
      expect(wrong.json).toMatchObject({ error_message: 'AUTHENTICATION_ERROR', request_id: expect.any(String) });
      const unknown = await clientOf({ keyId: 'key_nobody', secret: key.secret }).compareFiles(
        fixture('lfw-anthony-fauci-0001.jpg'),
        fixture('lfw-anthony-fauci-0002.jpg'),
      );
      expect(unknown.status).toBe(401);
      expect(unknown.json.error_message).toBe('AUTHENTICATION_ERROR');

      const form = new FormData();
      form.append('api_key', key.keyId);
      form.append('api_secret', key.secret);
      form.append('image_base64_1', fixture('lfw-anthony-fauci-0001.jpg').toString('base64'));
      const missing = await fetch(`${baseUrl}/facepp/v3/compare`, { method: 'POST', body: form });
      expect(missing.status).toBe(400);
      expect(((await missing.json()) as Body).error_message).toBe('MISSING_ARGUMENTS: image_file2');

      const byUrl = new URLSearchParams({
        api_key: key.keyId,
        api_secret: key.secret,
        image_url1: 'http://169.254.169.254/latest',
        image_base64_2: 'AAAA',
      });
      const refused = await fetch(`${baseUrl}/facepp/v3/compare`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: byUrl.toString(),
      });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as Body).error_message).toBe('BAD_ARGUMENTS: image_url1');

      const blank = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#888' } })
        .jpeg()
        .toBuffer();
      const lite = await clientOf(key).liteGetToken({
        return_url: 'https://customer.example/back',
        notify_url: receiver.url,
        biz_no: 'no-face',
        image_ref1: blank,
      });
      expect(lite.status).toBe(400);
      expect(lite.json.error_message).toBe('NO_FACE_FOUND: image_ref1');

      // The key's IP allowlist and its revocation hold here too.
      const fenced = await t.customer();
      await t.services.keys.setIpAllowlist({
        orgId: fenced.orgId,
        keyId: fenced.key.keyId,
        cidrs: ['10.9.8.0/24'],
        actor: operator,
      });
      const outside = await clientOf(fenced.key).compareFiles(
        fixture('lfw-anthony-fauci-0001.jpg'),
        fixture('lfw-anthony-fauci-0002.jpg'),
      );
      expect(outside.status).toBe(403);
      expect(outside.json.error_message).toBe('AUTHORIZATION_ERROR: IP_NOT_ALLOWED');
      await t.services.keys.revoke({ orgId: fenced.orgId, keyId: fenced.key.keyId, actor: operator });
      const revoked = await clientOf(fenced.key).liteGetResult('cap_whatever');
      expect(revoked.status).toBe(401);
      expect(revoked.json.error_message).toBe('AUTHENTICATION_ERROR');

      // A live key of an uncertified organisation: the same key rules as /v1.
      const uncertified = await t.customer({ mode: 'live', certified: false });
      const denied = await clientOf(uncertified.key).compareFiles(
        fixture('lfw-anthony-fauci-0001.jpg'),
        fixture('lfw-anthony-fauci-0002.jpg'),
      );
      expect(denied.status).toBe(403);
      expect(denied.json.error_message).toBe('AUTHORIZATION_ERROR: NOT_CERTIFIED');
      // Not enough balance: refused before any work, nothing charged.
      const poor = await t.customer({ mode: 'live', cashFen: 0 });
      const broke = await clientOf(poor.key).compareFiles(
        fixture('lfw-anthony-fauci-0001.jpg'),
        fixture('lfw-anthony-fauci-0002.jpg'),
      );
      expect(broke.status).toBe(403);
      expect(broke.json.error_message).toBe('AUTHORIZATION_ERROR: INSUFFICIENT_BALANCE');
    });

    it('answers a refused notify_url without the address it resolved to', async () => {
      const { key } = await t.customer();
      const refused = await clientOf(key).liteGetToken({
        return_url: 'https://customer.example/back',
        notify_url: 'http://10.1.2.3/notify',
        biz_no: 'order-ssrf',
        image_ref1: fixture('nuaa-live-0001.jpg'),
      });
      expect(refused.status).toBe(400);
      expect(refused.json.error_message).toBe('BAD_ARGUMENTS: notify_url');
      expect(refused.json.visage_error).toEqual({
        code: 'capture.notify_url_refused',
        details: { reason: 'address_not_allowed' },
      });
    });

    it('get_token leaves no usable session behind when its business record cannot be written', async () => {
      const { orgId, key } = await t.customer();
      const businesses = t.services.faceIdBusinesses;
      const insert = businesses.insert;
      businesses.insert = () => Promise.reject(new Error('injected: the faceid_business write fails'));
      let failed: Awaited<ReturnType<ReturnType<typeof clientOf>['liteGetToken']>>;
      try {
        failed = await clientOf(key).liteGetToken({
          return_url: 'https://customer.example/back',
          notify_url: receiver.url,
          biz_no: 'order-broken',
          image_ref1: fixture('nuaa-live-0001.jpg'),
        });
      } finally {
        businesses.insert = insert;
      }
      expect(failed.status).toBeGreaterThanOrEqual(500);
      const sessions = await t.services.database.db
        .selectFrom('capture_session')
        .select(['status', 'reason'])
        .where('org_id', '=', orgId)
        .execute();
      expect(sessions).toEqual([{ status: 'cancelled', reason: 'create_failed' }]);
    });

    it('erasing the subject removes biz_no and biz_extra_data from its FaceID businesses at once', async () => {
      const { key } = await t.customer();
      const client = clientOf(key);
      const token = await client.liteGetToken({
        return_url: 'https://customer.example/back',
        notify_url: receiver.url,
        biz_no: 'order-erased-person',
        biz_extra_data: 'customer=4711',
        image_ref1: fixture('nuaa-live-0001.jpg'),
      });
      expect(token.status, JSON.stringify(token.json)).toBe(200);
      const bizId = token.json.biz_id as string;
      expect((await client.liteGetResult(bizId)).json).toMatchObject({ biz_no: 'order-erased-person' });
      // The lite flow's subject is its biz_no (there is no uuid).
      const erased = await t.call(key, 'DELETE', '/v1/subjects/order-erased-person');
      expect(erased.status, JSON.stringify(erased.json)).toBe(200);
      const after = await client.liteGetResult(bizId);
      expect(after.status).toBe(200);
      expect(after.json).toMatchObject({ biz_no: '', biz_info: { biz_id: bizId, biz_no: '', biz_extra_data: '' } });
      expect(JSON.stringify(after.json)).not.toContain('order-erased-person');
      expect(JSON.stringify(after.json)).not.toContain('4711');
      const row = await t.services.database.db
        .selectFrom('faceid_business')
        .select(['biz_no', 'biz_extra_data'])
        .where('session_id', '=', bizId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ biz_no: null, biz_extra_data: null });
    });

    it('checks sign: one-time accepted once, reused refused, expired refused, wrong key refused', async () => {
      const { key } = await t.customer();
      const client = clientOf(key);
      const credentials = { apiKey: key.keyId, apiSecret: key.secret };
      const reference = fixture('nuaa-live-0001.jpg');

      const oneTime = faceIdSign(credentials);
      const first = await client.getBizToken(oneTime, { liveness_type: 'still', image_ref1: reference, uuid: 'u-1' });
      expect(first.status, JSON.stringify(first.json)).toBe(200);
      expect(first.json).toMatchObject({ biz_token: expect.any(String), request_id: expect.any(String) });
      const reused = await client.getBizToken(oneTime, { liveness_type: 'still', image_ref1: reference, uuid: 'u-1' });
      expect(reused.status).toBe(400);
      expect(reused.json.error_message).toBe('EXPIRED_SIGN: one-time sign already used');
      expect(reused.json.error).toBe(reused.json.error_message);

      // A one-time sign made 10 minutes ago, and a reusable one whose validity has passed.
      const stale = faceIdSign(credentials, { currentTime: Math.floor(Date.now() / 1000) - 600 });
      const old = await client.getBizToken(stale, { liveness_type: 'still', image_ref1: reference });
      expect(old.status).toBe(400);
      expect(old.json.error_message).toBe('EXPIRED_SIGN');
      const lapsed = faceIdSign(credentials, { currentTime: Math.floor(Date.now() / 1000) - 200, validSeconds: 100 });
      const expired = await client.getBizToken(lapsed, { liveness_type: 'still', image_ref1: reference });
      expect(expired.status).toBe(400);
      expect(expired.json.error_message).toBe('EXPIRED_SIGN');

      // A reusable sign works until its expire_time, any number of times.
      const reusable = faceIdSign(credentials, { validSeconds: 100 });
      for (let i = 0; i < 2; i++) {
        const ok = await client.getBizToken(reusable, { liveness_type: 'meglive', image_ref1: reference });
        expect(ok.status, JSON.stringify(ok.json)).toBe(200);
      }

      // The wrong secret, and another customer's key id with our secret.
      const other = await t.customer();
      for (const bad of [
        faceIdSign({ apiKey: key.keyId, apiSecret: other.key.secret }),
        faceIdSign({ apiKey: other.key.keyId, apiSecret: key.secret }),
        'bm90IGEgc2lnbg==',
      ]) {
        const refused = await client.getBizToken(bad, { liveness_type: 'still', image_ref1: reference });
        expect(refused.status).toBe(401);
        expect(refused.json.error_message).toBe('AUTHENTICATION_ERROR');
      }

      // The MegLive SDK's packet is proprietary: a clear refusal, after the sign was checked.
      const verify = await client.verify(faceIdSign(credentials), first.json.biz_token, Buffer.from('MEGLIVE'));
      expect(verify.status).toBe(400);
      expect(verify.json.error_message).toBe('BAD_ARGUMENTS: meglive_data');
      expect(verify.json.visage_error.details.reason).toContain('proprietary');
    });

    it('runs the lite flow: get_token → page → notify_url form post (signed) → get_result three times', async () => {
      const { orgId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
      const client = clientOf(key);
      const reference = await sharp(fixture('nuaa-live-0001.jpg')).jpeg({ quality: 90 }).toBuffer();
      const token = await client.liteGetToken({
        return_url: 'https://customer.example/back',
        notify_url: receiver.url,
        biz_no: 'order-lite-1',
        biz_extra_data: 'cart=42',
        procedure_type: 'still',
        image_ref1: reference,
      });
      expect(token.status, JSON.stringify(token.json)).toBe(200);
      expect(token.json).toMatchObject({
        token: expect.any(String),
        biz_id: expect.stringMatching(/^cap_/),
        expired_time: expect.any(Number),
      });
      const bizId = token.json.biz_id as string;

      const pending = await client.liteGetResult(bizId);
      expect(pending.status).toBe(200);
      expect(pending.json).toMatchObject({ status: 'NOT_STARTED', biz_no: 'order-lite-1' });

      // The user's browser: FaceID's lite/do URL leads to our hosted page, which this test drives through its API.
      const redirect = await fetch(client.liteDoUrl(token.json.token), { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      const pageUrl = redirect.headers.get('location')!;
      expect(pageUrl).toBe(`/capture/${token.json.token}`);
      const page = (method: 'GET' | 'POST', url: string, pageToken?: string, body?: unknown) =>
        capturePageRequest(t, method, url, pageToken, body);
      const opened = await page('POST', '/capture/api/open', undefined, { token: pageUrl.split('/').at(-1) });
      expect(opened.status, JSON.stringify(opened.json)).toBe(200);
      const pageToken = opened.json['page_token'] as string;
      expect((await page('POST', '/capture/api/consent', pageToken, { accepted: true })).status).toBe(204);
      const attempt = await page('POST', '/capture/api/attempts', pageToken);
      const attemptId = attempt.json['attempt_id'] as string;
      for (const [i, frame] of liveFrames.entries()) {
        const uploaded = await t.platform.app.inject({
          method: 'POST',
          url: `/capture/api/attempts/${attemptId}/frames`,
          headers: {
            authorization: `Bearer ${pageToken}`,
            'content-type': frameContentType,
          },
          payload: frameBody({ step: 'still', index: String(i), captured_at_ms: String(cameraTimestamps[i]) }, frame),
        });
        expect(uploaded.statusCode, uploaded.body).toBe(200);
      }
      const done = await page('POST', `/capture/api/attempts/${attemptId}/completion`, pageToken);
      expect(done.status, JSON.stringify(done.json)).toBe(200);
      expect(done.json).toMatchObject({ status: 'passed', return_url: 'https://customer.example/back' });

      // notify_url: a form post with data (JSON) and sign = sha1(api_secret + data), through the webhook outbox.
      const notified = await waitFor(() =>
        receiver.received.find((n) => n.fields['data'] && JSON.parse(n.fields['data']).biz_info?.biz_id === bizId),
      );
      expect(notified.contentType).toBe('application/x-www-form-urlencoded');
      expect(faceIdNotifySignValid(key.secret, notified.fields['data']!, notified.fields['sign']!)).toBe(true);
      expect(faceIdNotifySignValid(`${key.secret}x`, notified.fields['data']!, notified.fields['sign']!)).toBe(false);
      const data = JSON.parse(notified.fields['data']!) as Body;
      expect(data).toMatchObject({
        status: 'OK',
        result_code: 1000,
        result_message: 'SUCCESS',
        biz_info: { biz_id: bizId, biz_no: 'order-lite-1', biz_extra_data: 'cart=42' },
        liveness_result: { result: 'PASS', procedure_type: 'still' },
      });
      const ref1 = data.verify_result.result_ref1 as Body;
      expect(Object.keys(ref1.thresholds).sort()).toEqual(['1e-3', '1e-4', '1e-5', '1e-6']);
      expect(ref1.confidence).toBeGreaterThan(ref1.thresholds['1e-4']);
      expect(data.verification.ref1).toEqual(ref1);
      const events = await t.services.database.db
        .selectFrom('webhook_event')
        .selectAll()
        .where('org_id', '=', orgId)
        .execute();
      expect(events.filter((e) => e.type === 'capture_session.finished')).toHaveLength(1);

      // get_result: the same JSON, three times; the fourth read is refused.
      for (let i = 0; i < 3; i++) {
        const result = await client.liteGetResult(bizId);
        expect(result.status, JSON.stringify(result.json)).toBe(200);
        expect(result.json).toMatchObject({ status: 'OK', result_code: 1000, biz_no: 'order-lite-1' });
        expect(result.json.verify_result).toEqual(data.verify_result);
      }
      const fourth = await client.liteGetResult(bizId);
      expect(fourth.status).toBe(400);
      expect(fourth.json.error_message).toMatch(/^RESULT_EXPIRED/);

      // Another organisation's key cannot read it.
      const stranger = await t.customer({ mode: 'live', cashFen: 10 });
      const foreign = await clientOf(stranger.key).liteGetResult(bizId);
      expect(foreign.status).toBe(400);
      expect(foreign.json.error_message).toBe('BAD_ARGUMENTS: biz_id');
      // Charged once, by the capture session, at the verification price.
      expect(await t.services.wallet.balances(orgId)).toMatchObject({ cash: 900 });
    });

    it('notifies the other result_code families: a different person (2000) and a cancelled session (4200)', async () => {
      const { key } = await t.customer();
      const client = clientOf(key);
      const page = (url: string, pageToken?: string, body?: unknown) =>
        capturePageRequest(t, 'POST', url, pageToken, body);
      const open = async (bizNo: string, reference: Buffer) => {
        const token = await client.liteGetToken({
          return_url: 'https://customer.example/back',
          notify_url: receiver.url,
          biz_no: bizNo,
          image_ref1: reference,
        });
        expect(token.status, JSON.stringify(token.json)).toBe(200);
        const opened = await page('/capture/api/open', undefined, { token: token.json.token });
        const pageToken = opened.json['page_token'] as string;
        expect((await page('/capture/api/consent', pageToken, { accepted: true })).status).toBe(204);
        return { bizId: token.json.biz_id as string, pageToken };
      };
      const notifiedData = (bizId: string) =>
        waitFor(() =>
          receiver.received
            .map((n) => ({
              raw: n.fields['data'] ?? '{}',
              data: JSON.parse(n.fields['data'] ?? '{}') as Body,
              sign: n.fields['sign']!,
            }))
            .find((n) => n.data.biz_info?.biz_id === bizId),
        );

      // The live frames of one person against another person's reference photo; the receiver is down at first.
      const other = await open('order-other', fixture('lfw-anthony-fauci-0001.jpg'));
      receiver.failNext(1);
      const attempt = await page('/capture/api/attempts', other.pageToken);
      const attemptId = attempt.json['attempt_id'] as string;
      for (const [i, frame] of liveFrames.entries()) {
        const uploaded = await t.platform.app.inject({
          method: 'POST',
          url: `/capture/api/attempts/${attemptId}/frames`,
          headers: {
            authorization: `Bearer ${other.pageToken}`,
            'content-type': frameContentType,
          },
          payload: frameBody({ step: 'still', index: String(i), captured_at_ms: String(cameraTimestamps[i]) }, frame),
        });
        expect(uploaded.statusCode, uploaded.body).toBe(200);
      }
      const done = await page(`/capture/api/attempts/${attemptId}/completion`, other.pageToken);
      expect(done.json).toMatchObject({ status: 'failed' });
      const different = await notifiedData(other.bizId);
      expect(faceIdNotifySignValid(key.secret, different.raw, different.sign)).toBe(true);
      expect(different.data).toMatchObject({
        status: 'OK',
        result_code: 2000,
        result_message: 'PASS_LIVING_NOT_THE_SAME',
        liveness_result: { result: 'PASS' },
      });
      // Delivered by the outbox's retry: the refused attempt and the delivered one carry the same data and sign.
      const posts = await waitFor(() => {
        const all = receiver.received.filter((n) => n.fields['data'] === different.raw);
        return all.length >= 2 && all;
      });
      expect(new Set(posts.map((n) => n.fields['sign'])).size).toBe(1);
      const attempts = await t.services.database.db
        .selectFrom('webhook_delivery_attempt')
        .selectAll()
        .where('url', '=', receiver.url)
        .execute();
      expect(attempts.map((a) => a.status_code)).toEqual(expect.arrayContaining([503, 200]));
      const ref1 = different.data.verify_result.result_ref1 as Body;
      expect(ref1.confidence).toBeLessThan(ref1.thresholds['1e-4']);

      const cancelled = await open('order-cancel', fixture('nuaa-live-0001.jpg'));
      expect((await page('/capture/api/cancel', cancelled.pageToken)).status).toBeLessThan(300);
      const gone = await notifiedData(cancelled.bizId);
      expect(gone.data).toMatchObject({ status: 'CANCELLED', result_code: 4200, result_message: 'USER_CANCELLATION' });
      expect(gone.data.verify_result).toBeUndefined();
    });
  });
}
