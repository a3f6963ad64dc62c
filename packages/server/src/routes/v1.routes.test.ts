import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectNames } from '@visage/storage/testing';
import { consent, fixture, operator, startTestPlatform, type TestPlatform } from '../testing/test-platform.js';
import { signedHeaders } from '../http/request-signer.js';

const fauci1 = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');
const fauci2 = fixture('lfw-anthony-fauci-0002.jpg').toString('base64');
const bassett = fixture('lfw-angela-bassett-0001.jpg').toString('base64');
const notAnImage = Buffer.from('definitely not a picture').toString('base64');

for (const dialect of dialectNames) {
  describe(`the /v1 API on ${dialect}`, () => {
    let t: TestPlatform;
    beforeAll(async () => {
      // Sandbox keys are rate-limited to 2/s by default; limits have their own tests (limits.test.ts).
      t = await startTestPlatform({ dialect, env: { VISAGE_SANDBOX_RATE_PER_SECOND: '1000' } });
      await t.services.pricing.setPrice({ product: 'compare', amountFen: 50, actor: operator });
      await t.services.pricing.setPrice({ product: 'liveness', amountFen: 30, actor: operator });
      await t.services.pricing.setPrice({ product: 'verification', amountFen: 100, actor: operator });
    });
    afterAll(() => t.close());

    const cashOf = async (orgId: string) => (await t.services.wallet.balances(orgId)).cash;

    describe('POST /v1/compare', () => {
      it('matches two photos of one person and charges the price once', async () => {
        const { orgId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
        const { status, json } = await t.call(key, 'POST', '/v1/compare', { image1: fauci1, image2: fauci2, consent });
        expect(status).toBe(200);
        expect(json).toMatchObject({ result_code: 'result.match', match: true, sandbox: false, billed: true });
        expect(json['decision_far']).toBe('1e-4');
        expect(Object.keys(json['thresholds'] as object)).toEqual(['1e-3', '1e-4', '1e-5', '1e-6']);
        expect(json['confidence']).toBeGreaterThan(50);
        expect(await cashOf(orgId)).toBe(950);
      });

      it('tells two people apart; sandbox keys are free and say so', async () => {
        const { orgId, key } = await t.customer({ mode: 'sandbox' });
        const { status, json } = await t.call(key, 'POST', '/v1/compare', { image1: fauci1, image2: bassett, consent });
        expect(status).toBe(200);
        expect(json).toMatchObject({ result_code: 'result.no_match', match: false, sandbox: true, billed: false });
        expect(await t.services.wallet.balances(orgId)).toMatchObject({ cash: 0, bonus: 0 });
      });

      it('accepts multipart with file parts and dotted consent fields', async () => {
        const { key } = await t.customer();
        const boundary = 'visage-boundary-1';
        const part = (name: string, value: Buffer | string, file = false) =>
          Buffer.concat([
            Buffer.from(
              `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${name}.jpg"\r\nContent-Type: image/jpeg` : ''}\r\n\r\n`,
            ),
            Buffer.isBuffer(value) ? value : Buffer.from(value),
            Buffer.from('\r\n'),
          ]);
        const body = Buffer.concat([
          part('image1', fixture('lfw-anthony-fauci-0001.jpg'), true),
          part('image2', fixture('lfw-anthony-fauci-0002.jpg'), true),
          ...Object.entries(consent).map(([k, v]) => part(`consent.${k}`, v)),
          Buffer.from(`--${boundary}--\r\n`),
        ]);
        const response = await t.platform.app.inject({
          method: 'POST',
          url: '/v1/compare',
          headers: {
            'content-type': `multipart/form-data; boundary=${boundary}`,
            ...signedHeaders(key, { method: 'POST', url: '/v1/compare', body }),
          },
          payload: body,
        });
        expect(response.statusCode).toBe(200);
        expect(response.json()).toMatchObject({ result_code: 'result.match' });
      });

      it('refuses bad images with their code, logs the call, charges nothing', async () => {
        const { orgId, key } = await t.customer({ mode: 'live', cashFen: 500 });
        const { status, json } = await t.call(key, 'POST', '/v1/compare', {
          image1: notAnImage,
          image2: fauci2,
          consent,
        });
        expect(status).toBe(422);
        expect(json['error']).toMatchObject({ code: 'image.unsupported_format' });
        expect(await cashOf(orgId)).toBe(500);
      });

      it('requires consent: missing or malformed is consent.required, nothing processed or billed', async () => {
        const { orgId, key } = await t.customer({ mode: 'live', cashFen: 500 });
        const missing = await t.call(key, 'POST', '/v1/compare', { image1: fauci1, image2: fauci2 });
        expect(missing.status).toBe(400);
        expect(missing.json['error']).toMatchObject({ code: 'consent.required' });
        const malformed = await t.call(key, 'POST', '/v1/compare', {
          image1: fauci1,
          image2: fauci2,
          consent: { ...consent, obtained_at: 'yesterday' },
        });
        expect(malformed.json['error']).toMatchObject({ code: 'consent.required' });
        const unknownId = await t.call(key, 'POST', '/v1/compare', {
          image1: fauci1,
          image2: fauci2,
          consent_id: 'cns_x',
        });
        expect(unknownId.json['error']).toMatchObject({ code: 'consent.not_found' });
        expect(await cashOf(orgId)).toBe(500);
      });

      it('takes a consent record created earlier', async () => {
        const { key } = await t.customer();
        const created = await t.call(key, 'POST', '/v1/consents', consent);
        expect(created.status).toBe(200);
        expect(created.json['id']).toMatch(/^cns_/);
        const { json } = await t.call(key, 'POST', '/v1/compare', {
          image1: fauci1,
          image2: fauci2,
          consent_id: created.json['id'],
        });
        expect(json['result_code']).toBe('result.match');
      });

      it('refuses a call the balance cannot cover before any work (402)', async () => {
        const { orgId, key } = await t.customer({ mode: 'live', cashFen: 20 });
        const { status, json } = await t.call(key, 'POST', '/v1/compare', { image1: fauci1, image2: fauci2, consent });
        expect(status).toBe(402);
        expect(json['error']).toMatchObject({ code: 'billing.insufficient_balance' });
        expect(await cashOf(orgId)).toBe(20);
        // Nothing was written: no consent record, no call.
        const erased = await t.call(key, 'DELETE', `/v1/subjects/${consent.subject_ref}`);
        expect(erased.json['erased']).toEqual({
          verifications: 0,
          results: 0,
          blobs: 0,
          consents: 0,
          capture_sessions_cancelled: 0,
          capture_sessions_erased: 0,
        });
      });

      it('replays an Idempotency-Key without charging twice, and refuses it for another body', async () => {
        const { orgId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
        const body = { image1: fauci1, image2: fauci2, consent };
        const first = await t.call(key, 'POST', '/v1/compare', body, { 'idempotency-key': 'order-1' });
        const again = await t.call(key, 'POST', '/v1/compare', body, { 'idempotency-key': 'order-1' });
        expect(again.status).toBe(200);
        expect(again.json).toEqual(first.json);
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(await cashOf(orgId)).toBe(950);
        const other = await t.call(
          key,
          'POST',
          '/v1/compare',
          { ...body, image2: bassett },
          { 'idempotency-key': 'order-1' },
        );
        expect(other.status).toBe(422);
        expect(other.json['error']).toMatchObject({ code: 'idempotency.mismatch' });
        expect(await cashOf(orgId)).toBe(950);
      });
    });

    describe('Idempotency-Key', () => {
      it('keeps the answer sealed, and forgets it when the subject is erased', async () => {
        const { key } = await t.customer();
        const subject = { ...consent, subject_ref: 'idempotent-person' };
        const body = { selfie: fauci1, comparison: { type: 'reference', image: fauci2 }, consent: subject };
        const first = await t.call(key, 'POST', '/v1/verifications', body, { 'idempotency-key': 'kyc-1' });
        const stored = await sql<{ response_body: string }>`select response_body from idempotency_record`.execute(
          t.services.database.db,
        );
        expect(stored.rows.length).toBeGreaterThan(0);
        expect(stored.rows.some((row) => row.response_body.includes(first.json['id'] as string))).toBe(false);
        expect(
          stored.rows.some((row) => Buffer.from(row.response_body, 'base64').includes(first.json['id'] as string)),
        ).toBe(false);

        await t.call(key, 'DELETE', '/v1/subjects/idempotent-person');
        const again = await t.call(key, 'POST', '/v1/verifications', body, { 'idempotency-key': 'kyc-1' });
        expect(again.status).toBe(200);
        expect(again.headers['idempotent-replayed']).toBeUndefined();
        expect(again.json['id']).not.toBe(first.json['id']);
      });

      it('never replays a sandbox answer to a live key of the same app', async () => {
        const { orgId, appId, key: sandboxKey } = await t.customer();
        await t.services.organizations.certify(orgId, { actor: operator, reason: 'checked' });
        await t.services.wallet.topUp({ orgId, amountFen: 500, reference: 'idem-live', actor: operator });
        const issued = await t.services.keys.create({ orgId, appId, mode: 'live', actor: operator });
        const liveKey = { keyId: issued.keyId, secret: issued.secret };
        const body = { image1: fauci1, image2: fauci2, consent };
        const sandbox = await t.call(sandboxKey, 'POST', '/v1/compare', body, { 'idempotency-key': 'same-key' });
        expect(sandbox.json['sandbox']).toBe(true);
        const live = await t.call(liveKey, 'POST', '/v1/compare', body, { 'idempotency-key': 'same-key' });
        expect(live.json).toMatchObject({ sandbox: false, billed: true });
        expect(await cashOf(orgId)).toBe(450);
      });
    });

    describe('POST /v1/liveness', () => {
      it('scores a live face', async () => {
        const { key } = await t.customer();
        const { status, json } = await t.call(key, 'POST', '/v1/liveness', {
          image: fixture('nuaa-live-0001.jpg').toString('base64'),
          consent,
        });
        expect(status).toBe(200);
        expect(json['result_code']).toBe('result.live');
        expect(json['liveness']).toMatchObject({ live: true });
      });

      it('catches a printed photo', async () => {
        const { key } = await t.customer();
        const { json } = await t.call(key, 'POST', '/v1/liveness', {
          image: fixture('nuaa-spoof-0001.jpg').toString('base64'),
          consent,
        });
        expect(json['result_code']).toBe('result.spoof');
      });
    });

    describe('verifications', () => {
      it('stores a verification that can be read 3 times, then result.expired', async () => {
        const { key } = await t.customer({ mode: 'live', cashFen: 1000 });
        const created = await t.call(key, 'POST', '/v1/verifications', {
          selfie: fauci1,
          comparison: { type: 'reference', image: fauci2 },
          consent,
          biz_no: 'order-77',
        });
        expect(created.status).toBe(200);
        const id = created.json['id'] as string;
        expect(id).toMatch(/^ver_/);
        expect(created.json).toMatchObject({ biz_no: 'order-77', billed: true, sandbox: false });
        expect(['result.pass', 'result.spoof']).toContain(created.json['result_code']);
        for (let read = 0; read < 3; read++) {
          const { status, json } = await t.call(key, 'GET', `/v1/verifications/${id}`);
          expect(status).toBe(200);
          expect(json).toEqual(created.json);
        }
        const fourth = await t.call(key, 'GET', `/v1/verifications/${id}`);
        expect(fourth.status).toBe(410);
        expect(fourth.json['error']).toMatchObject({ code: 'result.expired' });
      });

      it('keeps live and sandbox results apart within one app', async () => {
        const { orgId, appId, key: liveKey } = await t.customer({ mode: 'live', cashFen: 1000 });
        const issued = await t.services.keys.create({ orgId, appId, mode: 'sandbox', actor: operator });
        const sandboxKey = { keyId: issued.keyId, secret: issued.secret };
        const created = await t.call(liveKey, 'POST', '/v1/verifications', {
          selfie: fauci1,
          comparison: { type: 'reference', image: fauci2 },
          consent,
        });
        const id = created.json['id'] as string;
        for (const method of ['GET', 'DELETE'] as const) {
          const { status, json } = await t.call(sandboxKey, method, `/v1/verifications/${id}`);
          expect([status, (json['error'] as { code: string }).code]).toEqual([404, 'verification.not_found']);
        }
        expect((await t.call(liveKey, 'GET', `/v1/verifications/${id}`)).status).toBe(200);
      });

      it('shows a verification only to its own organisation', async () => {
        const owner = await t.customer();
        const stranger = await t.customer();
        const created = await t.call(owner.key, 'POST', '/v1/verifications', {
          selfie: fauci1,
          comparison: { type: 'reference', image: fauci2 },
          consent,
        });
        const { status, json } = await t.call(stranger.key, 'GET', `/v1/verifications/${created.json['id'] as string}`);
        expect(status).toBe(404);
        expect(json['error']).toMatchObject({ code: 'verification.not_found' });
      });

      it('keeps images and templates only when the app says so, sealed, and erases them on request', async () => {
        const { orgId, appId, key } = await t.customer();
        const body = { selfie: fauci1, comparison: { type: 'reference', image: fauci2 }, consent };
        const unkept = await t.call(key, 'POST', '/v1/verifications', body);
        const nothingKept = await t.call(key, 'DELETE', `/v1/verifications/${unkept.json['id'] as string}`);
        expect(nothingKept.json['erased']).toMatchObject({ blobs: 0 });

        await t.services.apps.update(orgId, appId, { imageRetentionSeconds: 3600 }, operator);
        const kept = await t.call(key, 'POST', '/v1/verifications', body);
        const erased = await t.call(key, 'DELETE', `/v1/verifications/${kept.json['id'] as string}`);
        // The selfie and the reference, and the template of each.
        expect(erased.json['erased']).toMatchObject({ result: true, blobs: 4 });
      });

      it('erases a verification and a subject, with receipts', async () => {
        const { key } = await t.customer();
        const subject = { ...consent, subject_ref: 'person-to-forget' };
        const created = await t.call(key, 'POST', '/v1/verifications', {
          selfie: fauci1,
          comparison: { type: 'reference', image: fauci2 },
          consent: subject,
        });
        const id = created.json['id'] as string;
        const erased = await t.call(key, 'DELETE', `/v1/verifications/${id}`);
        expect(erased.status).toBe(200);
        expect(erased.json).toMatchObject({ scope: 'verification', target: id, erased: { result: true } });
        expect((await t.call(key, 'GET', `/v1/verifications/${id}`)).json['error']).toMatchObject({
          code: 'result.expired',
        });
        await t.call(key, 'POST', '/v1/verifications', {
          selfie: fauci2,
          comparison: { type: 'reference', image: fauci1 },
          consent: subject,
        });
        // The first verification was erased already; the subject's erasure finds the second one and the consents.
        const forgotten = await t.call(key, 'DELETE', '/v1/subjects/person-to-forget');
        expect(forgotten.status).toBe(200);
        expect(forgotten.json).toMatchObject({ scope: 'subject', erased: { verifications: 1, consents: 2 } });
        expect(forgotten.json['target']).toMatch(/^[0-9a-f]{64}$/);
      });
    });

    describe('who may call', () => {
      it('refuses live keys of uncertified and suspended organisations; sandbox keys keep working', async () => {
        const uncertified = await t.customer({ mode: 'live', certified: false, cashFen: 500 });
        const refused = await t.call(uncertified.key, 'POST', '/v1/consents', consent);
        expect(refused.status).toBe(403);
        expect(refused.json['error']).toMatchObject({ code: 'org.not_certified' });

        const suspended = await t.customer({ mode: 'sandbox' });
        await t.services.organizations.suspend(suspended.orgId, { actor: operator, reason: 'unpaid invoice' });
        const blocked = await t.call(suspended.key, 'POST', '/v1/consents', consent);
        expect(blocked.status).toBe(403);
        expect(blocked.json['error']).toMatchObject({ code: 'org.suspended' });
      });

      it('refuses a live key until the current agreement is accepted', async () => {
        const { orgId, key } = await t.customer({ mode: 'live' });
        await t.services.agreement.publish({
          termsText: 'Terms v1',
          dpaText: 'DPA v1',
          effectiveAt: new Date(Date.now() - 1000).toISOString(),
          actor: operator,
        });
        const refused = await t.call(key, 'POST', '/v1/consents', consent);
        expect(refused.json['error']).toMatchObject({ code: 'agreement.not_accepted' });
        const { owner } = await t.services.users.registerOrganisationOwner({
          orgName: 'unused',
          username: `owner${orgId
            .slice(-6)
            .toLowerCase()
            .replace(/[^a-z0-9]/g, 'x')}`,
          email: 'owner@example.com',
          mobile: '+8613800000000',
          password: 'correct horse battery staple',
        });
        const current = await t.services.agreement.current();
        await t.services.agreement.accept({ orgId, userId: owner.id, version: current!.version, ip: '127.0.0.1' });
        expect((await t.call(key, 'POST', '/v1/consents', consent)).status).toBe(200);
      });

      it('refuses revoked keys and addresses outside the allowlist', async () => {
        const { orgId, key } = await t.customer();
        await t.services.keys.setIpAllowlist({ orgId, keyId: key.keyId, cidrs: ['10.0.0.0/8'], actor: operator });
        const outside = await t.call(key, 'POST', '/v1/consents', consent);
        expect(outside.status).toBe(403);
        expect(outside.json['error']).toMatchObject({ code: 'key.ip_not_allowed' });
        await t.services.keys.revoke({ orgId, keyId: key.keyId, actor: operator });
        const revoked = await t.call(key, 'POST', '/v1/consents', consent);
        expect(revoked.status).toBe(401);
        expect(revoked.json['error']).toMatchObject({ code: 'key.revoked' });
      });

      it('answers unknown routes and bad JSON with registered codes', async () => {
        const notFound = await t.platform.app.inject({ method: 'GET', url: '/v2/nothing' });
        expect(notFound.statusCode).toBe(404);
        expect(notFound.json().error).toMatchObject({ code: 'request.not_found' });
        const { key } = await t.customer();
        const badJson = await t.call(key, 'POST', '/v1/consents', '{"subject_ref":');
        expect(badJson.status).toBe(400);
        expect(badJson.json['error']).toMatchObject({ code: 'request.invalid' });
        const wrongType = await t.platform.app.inject({
          method: 'POST',
          url: '/v1/consents',
          headers: {
            'content-type': 'text/plain',
            ...signedHeaders(key, { method: 'POST', url: '/v1/consents', body: 'x' }),
          },
          payload: 'x',
        });
        expect(wrongType.statusCode).toBe(415);
        expect(wrongType.json().error).toMatchObject({ code: 'request.unsupported_media_type' });
      });
    });
  });
}
