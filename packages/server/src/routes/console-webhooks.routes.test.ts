import { verifyWebhookSignature } from '@visage/contracts';
import { dialectNames } from '@visage/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookReceiver } from '../testing/hook-receiver.js';
import { consent, fixture, operator, startTestPlatform, type TestPlatform } from '../testing/test-platform.js';
import { waitFor } from '../testing/wait-for.js';

const fauci1 = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');
const fauci2 = fixture('lfw-anthony-fauci-0002.jpg').toString('base64');
const password = 'a long enough passphrase';

/** The customer's webhook endpoint: answers 200 "thanks" until `answer(code)` says otherwise. */
async function startReceiver() {
  let status = 200;
  const receiver = await startHookReceiver('/hooks/visage', {
    reply: () => ({ status, text: status < 300 ? 'thanks' : 'down for maintenance' }),
  });
  return {
    ...receiver,
    answer(code: number) {
      status = code;
    },
  };
}

for (const dialect of dialectNames) {
  describe(`webhooks through the console API on ${dialect}`, () => {
    let t: TestPlatform;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    beforeAll(async () => {
      receiver = await startReceiver();
      t = await startTestPlatform({
        dialect,
        env: {
          VISAGE_SANDBOX_RATE_PER_SECOND: '1000',
          VISAGE_WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
          VISAGE_WEBHOOK_INTERVAL_SECONDS: '1',
          VISAGE_WEBHOOK_FIRST_RETRY_SECONDS: '1',
          VISAGE_WEBHOOK_SECRET_GRACE_SECONDS: '600',
        },
      });
    });
    afterAll(async () => {
      await t.close();
      await receiver.close();
    });

    async function send(
      method: string,
      url: string,
      options: { as?: { token: string; csrf: string }; body?: unknown } = {},
    ) {
      const response = await t.platform.app.inject({
        method: method as 'GET',
        url,
        headers: {
          ...(options.as ? { cookie: `visage_session=${options.as.token}`, 'x-csrf-token': options.as.csrf } : {}),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
      });
      return {
        status: response.statusCode,
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads nested JSON freely
        json: (response.body === '' ? {} : response.json()) as Record<string, any>,
        headers: response.headers,
      };
    }

    let registered = 0;
    async function owner() {
      const username = `hook-owner-${dialect}-${++registered}`;
      const registration = await send('POST', '/console/api/register', {
        body: {
          org_name: `Hooks ${registered}`,
          username,
          email: `${username}@example.com`,
          mobile: '13800000000',
          password,
        },
      });
      expect(registration.status).toBe(201);
      const session = await send('POST', '/console/api/session', { body: { username, password } });
      const token = /visage_session=([^;]+)/.exec([session.headers['set-cookie'] ?? []].flat().join('\n'))?.[1];
      return {
        token: token!,
        csrf: session.json['csrf_token'] as string,
        orgId: registration.json['org_id'] as string,
      };
    }

    it('refuses internal webhook URLs on save, delivers a signed verification.completed, lists and resends it', async () => {
      const me = await owner();
      const created = await send('POST', '/console/api/apps', { as: me, body: { name: 'Shop' } });
      const appId = created.json['id'] as string;

      for (const url of ['http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/hook', 'http://[::1]:8080/']) {
        const refused = await send('PATCH', `/console/api/apps/${appId}`, { as: me, body: { webhook_url: url } });
        expect(refused.status, url).toBe(422);
        expect(refused.json['error']).toMatchObject({ code: 'webhook.url_refused' });
      }
      const saved = await send('PATCH', `/console/api/apps/${appId}`, { as: me, body: { webhook_url: receiver.url } });
      expect(saved.status).toBe(200);
      // Saving the first URL issued the signing secret, in the same transaction, shown in this answer only.
      expect(saved.json['webhook_secret']).toEqual({
        id: expect.stringMatching(/^whsec_/),
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
        created_at: expect.any(String),
        previous_expires_at: null,
      });
      expect(saved.headers['cache-control']).toBe('no-store');
      const issued = { json: saved.json['webhook_secret'] as Record<string, string> };
      // Saving a URL again (the app has a secret now) issues none.
      const resaved = await send('PATCH', `/console/api/apps/${appId}`, {
        as: me,
        body: { webhook_url: receiver.url },
      });
      expect(resaved.status).toBe(200);
      expect(resaved.json).not.toHaveProperty('webhook_secret');
      const settings = await send('GET', `/console/api/apps/${appId}/webhook`, { as: me });
      expect(settings.json).toEqual({
        url: receiver.url,
        secrets: [{ id: issued.json['id'], created_at: issued.json['created_at'], expires_at: null }],
      });
      expect(JSON.stringify(settings.json)).not.toContain(issued.json['secret']);

      const key = await t.services.keys.create({ orgId: me.orgId, appId, mode: 'sandbox', actor: operator });
      const before = receiver.received.length;
      const verification = await t.call({ keyId: key.keyId, secret: key.secret }, 'POST', '/v1/verifications', {
        selfie: fauci1,
        comparison: { type: 'reference', image: fauci2 },
        consent,
      });
      expect(verification.status).toBe(200);
      const delivered = await waitFor(() => receiver.received[before]);
      const { id } = await verifyWebhookSignature(
        issued.json['secret']!,
        delivered.headers as Record<string, string>,
        delivered.body,
      );
      expect(JSON.parse(delivered.body)).toMatchObject({
        id,
        type: 'verification.completed',
        mode: 'sandbox',
        data: verification.json,
      });

      const events = await send('GET', `/console/api/apps/${appId}/webhook/events`, { as: me });
      expect(events.status).toBe(200);
      expect(events.json['events']).toEqual([
        expect.objectContaining({ id, type: 'verification.completed', mode: 'sandbox', app_id: appId }),
      ]);
      const detail = await waitForDelivered(me, appId, id);
      expect(detail.attempts).toEqual([
        expect.objectContaining({ status_code: 200, error: null, response_snippet: 'thanks', url: receiver.url }),
      ]);
      expect(detail.payload).toEqual(verification.json);

      const resent = await send('POST', `/console/api/apps/${appId}/webhook/events/${id}/resend`, { as: me });
      expect(resent.status).toBe(202);
      const again = await waitFor(() => receiver.received[before + 1]);
      expect(again.headers['webhook-id']).toBe(id);
      expect(again.body).toBe(delivered.body);

      // Another organisation sees none of it.
      const stranger = await owner();
      const hidden = await send('GET', `/console/api/apps/${appId}/webhook/events/${id}`, { as: stranger });
      expect(hidden.status).toBe(404);
    });

    it('keeps retrying while the receiver is down and delivers when it is back, signed by both secrets after a rotation', async () => {
      const me = await owner();
      const appId = (await send('POST', '/console/api/apps', { as: me, body: { name: 'Flaky' } })).json['id'] as string;
      const first = (await send('PATCH', `/console/api/apps/${appId}`, { as: me, body: { webhook_url: receiver.url } }))
        .json['webhook_secret'];
      const second = (await send('POST', `/console/api/apps/${appId}/webhook/secret`, { as: me })).json;
      expect(second['secret']).not.toBe(first['secret']);
      expect(second['previous_expires_at']).toEqual(expect.any(String));

      receiver.answer(503);
      const before = receiver.received.length;
      const key = await t.services.keys.create({ orgId: me.orgId, appId, mode: 'sandbox', actor: operator });
      const verification = await t.call({ keyId: key.keyId, secret: key.secret }, 'POST', '/v1/verifications', {
        selfie: fauci1,
        comparison: { type: 'reference', image: fauci2 },
        consent: { ...consent, subject_ref: `flaky-${dialect}` },
      });
      expect(verification.status).toBe(200);
      // The first attempt, then a retry about a second later, both refused.
      await waitFor(() => receiver.received.length >= before + 2, 20_000);
      receiver.answer(200);
      const events = (await send('GET', `/console/api/apps/${appId}/webhook/events`, { as: me })).json['events'];
      const id = events[0].id as string;
      const detail = await waitForDelivered(me, appId, id, 30_000);
      const codes = detail.attempts.map((attempt: { status_code: number }) => attempt.status_code);
      expect(codes.slice(0, 2)).toEqual([503, 503]);
      expect(codes.at(-1)).toBe(200);
      const gotten = receiver.received.slice(before);
      expect(new Set(gotten.map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
      const last = gotten.at(-1)!;
      expect(String(last.headers['webhook-signature']).split(' ')).toHaveLength(2);
      for (const secret of [first['secret'], second['secret']]) {
        await expect(
          verifyWebhookSignature(secret, last.headers as Record<string, string>, last.body),
        ).resolves.toEqual(expect.objectContaining({ id }));
      }
    }, 60_000);

    async function waitForDelivered(
      me: { token: string; csrf: string },
      appId: string,
      id: string,
      timeoutMs = 15_000,
    ) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const detail = await send('GET', `/console/api/apps/${appId}/webhook/events/${id}`, { as: me });
        if (detail.json['event']?.status === 'delivered') return detail.json;
        if (Date.now() > deadline) throw new Error(`event ${id} not delivered: ${JSON.stringify(detail.json)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
}
