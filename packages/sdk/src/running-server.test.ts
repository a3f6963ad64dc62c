import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createUsageReports } from '@visage/core';
import { consent, fixture, operator, startTestPlatform, type TestPlatform } from '@visage/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  toBase64,
  verifyWebhook,
  VisageAuthenticationError,
  VisageClient,
  VisageError,
  VisageInvalidRequestError,
  WebhookVerificationError,
} from './index.js';

/**
 * The SDK against a real Visage server (the whole platform with the face engine, listening on 127.0.0.1): every
 * call goes over HTTP, is signed by the SDK and checked by the server's own verifier. A local receiver gets the
 * app's webhooks and checks them with the SDK's verifyWebhook.
 */
const fauci1 = toBase64(fixture('lfw-anthony-fauci-0001.jpg'));
const fauci2 = toBase64(fixture('lfw-anthony-fauci-0002.jpg'));
const bassett = toBase64(fixture('lfw-angela-bassett-0001.jpg'));

interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

describe('the SDK against a running server', () => {
  let t: TestPlatform;
  let base: string;
  let receiver: Server;
  let receiverBase: string;
  const deliveries: Delivery[] = [];
  let live: { orgId: string; appId: string; client: VisageClient; webhookSecret: string };
  let sandbox: { keyId: string; secret: string };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        deliveries.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    t = await startTestPlatform({
      env: {
        VISAGE_WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
        VISAGE_WEBHOOK_INTERVAL_SECONDS: '1',
        // Sandbox keys at 2 requests/s (the default): the rate-limit test below runs into it on purpose.
        VISAGE_SANDBOX_RATE_PER_SECOND: '2',
      },
    });
    await t.services.pricing.setPrice({ product: 'compare', amountFen: 50, actor: operator });
    await t.services.pricing.setPrice({ product: 'verification', amountFen: 100, actor: operator });
    base = await t.platform.app.listen({ host: '127.0.0.1', port: 0 });

    const customer = await t.customer({ mode: 'live', cashFen: 1000 });
    await t.services.apps.update(
      customer.orgId,
      customer.appId,
      { webhookUrl: `${receiverBase}/hooks/visage` },
      operator,
    );
    const { secret } = await t.services.webhooks.rotateSecret(customer.orgId, customer.appId, operator);
    live = {
      orgId: customer.orgId,
      appId: customer.appId,
      client: new VisageClient({ baseUrl: base, keyId: customer.key.keyId, secret: customer.key.secret }),
      webhookSecret: secret,
    };
    sandbox = (await t.customer({ mode: 'sandbox' })).key;
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const cashOf = async (orgId: string) => (await t.services.wallet.balances(orgId)).cash;

  it('compares two photos, and a repeated idempotency key replays the answer without a second charge', async () => {
    const same = await live.client.compare(
      { image1: fauci1, image2: fauci2, consent, biz_no: 'sdk-1' },
      { idempotencyKey: 'sdk-test-compare-1' },
    );
    expect(same).toMatchObject({ result_code: 'result.match', match: true, billed: true, sandbox: false });
    expect(same.biz_no).toBe('sdk-1');
    expect(same.confidence).toBeGreaterThan(50);
    expect(await cashOf(live.orgId)).toBe(950);

    const again = await live.client.compare(
      { image1: fauci1, image2: fauci2, consent, biz_no: 'sdk-1' },
      { idempotencyKey: 'sdk-test-compare-1' },
    );
    expect(again).toEqual(same);
    expect(await cashOf(live.orgId)).toBe(950);

    const different = await live.client.compare({ image1: fauci1, image2: bassett, consent });
    expect(different).toMatchObject({ result_code: 'result.no_match', match: false, billed: true });
    expect(await cashOf(live.orgId)).toBe(900);

    // The usage the console shows: two compare calls, both billed, 100 fen.
    const today = new Date().toISOString().slice(0, 10);
    const usage = await createUsageReports({ verifications: t.services.verifications }).daily(live.orgId, {
      from: today,
      to: today,
    });
    expect(usage).toEqual([expect.objectContaining({ product: 'compare', calls: 2, billedCalls: 2, amountFen: 100 })]);
  });

  it('maps the server’s refusals to typed errors with the registered code and request id, charging nothing', async () => {
    const cash = await cashOf(live.orgId);
    const notAnImage = toBase64(new TextEncoder().encode('definitely not a picture'));
    const bad = await live.client.compare({ image1: notAnImage, image2: fauci2, consent }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(VisageInvalidRequestError);
    expect(bad).toMatchObject({ code: 'image.unsupported_format', status: 422 });
    expect((bad as VisageError).requestId).toMatch(/^req_/);

    const noConsent = await live.client.compare({ image1: fauci1, image2: fauci2 }).catch((e: unknown) => e);
    expect(noConsent).toMatchObject({ code: 'consent.required', status: 400 });

    const wrongSecret = new VisageClient({ baseUrl: base, keyId: sandbox.keyId, secret: 'not-the-secret' });
    const refused = await wrongSecret.getCaptureSession('cap_whatever').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(VisageAuthenticationError);
    expect(refused).toMatchObject({ code: 'signature.invalid', status: 401, attempts: 1 });

    const missing = await live.client.getVerification('ver_doesnotexist').catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'verification.not_found', status: 404 });
    expect(await cashOf(live.orgId)).toBe(cash);
  });

  it('opens a capture session and reads it back', async () => {
    const created = await live.client.createCaptureSession({
      liveness: 'still',
      comparison: { type: 'reference', image: fauci1 },
      subject_ref: 'user-sdk',
      biz_no: 'order-sdk',
      return_url: 'https://shop.example.com/done',
      locale: 'en',
    });
    expect(created.id).toMatch(/^cap_/);
    expect(new URL(created.url).pathname).toMatch(/^\/capture\/[A-Za-z0-9_-]{16,}/);
    expect(Date.parse(created.expires_at) - Date.now()).toBeGreaterThan(590_000);

    const session = await live.client.getCaptureSession(created.id);
    expect(session).toMatchObject({ id: created.id, status: 'not_started', liveness: 'still', biz_no: 'order-sdk' });

    const invalid = await live.client
      .createCaptureSession({ liveness: 'still', return_url: 'ftp://nope', expires_in: 99_999 })
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: 'request.invalid', status: 400 });
  });

  it('verifies, reads and erases a verification; its webhook verifies with verifyWebhook', async () => {
    const person = { ...consent, subject_ref: 'user-webhook' };
    const { id: consentId } = await live.client.createConsent(person);
    const verification = await live.client.createVerification({
      selfie: fauci1,
      comparison: { type: 'reference', image: fauci2 },
      consent_id: consentId,
      biz_no: 'order-webhook',
    });
    expect(verification.id).toMatch(/^ver_/);
    expect(await live.client.getVerification(verification.id)).toEqual(verification);

    const delivery = await waitFor(() =>
      deliveries.find((d) => d.body.toString('utf8').includes(`"id":"${verification.id}"`)),
    );
    const verified = await verifyWebhook({
      secret: live.webhookSecret,
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(verified.id).toBe(delivery.headers['webhook-id']);
    expect(verified.event).toMatchObject({
      type: 'verification.completed',
      mode: 'live',
      data: { id: verification.id, result_code: verification.result_code, biz_no: 'order-webhook' },
    });
    // The check is real: another secret, or one changed byte, fails.
    const otherSecret = `whsec_${toBase64(new Uint8Array(32).fill(7))}`;
    await expect(
      verifyWebhook({ secret: otherSecret, headers: delivery.headers, body: delivery.body }),
    ).rejects.toThrow(WebhookVerificationError);
    const tampered = Buffer.from(delivery.body.toString('utf8').replace('order-webhook', 'order-webhooK'));
    await expect(
      verifyWebhook({ secret: live.webhookSecret, headers: delivery.headers, body: tampered }),
    ).rejects.toThrow(WebhookVerificationError);

    const receipt = await live.client.deleteVerification(verification.id);
    expect(receipt).toMatchObject({ scope: 'verification', target: verification.id });
    const gone = await live.client.getVerification(verification.id).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(VisageError);
    const erased = await live.client.eraseSubject(person.subject_ref);
    expect(erased.scope).toBe('subject');
    // The receipt names the subject by a hash: it outlives the data and must not identify the person.
    expect(erased.target).toMatch(/^[0-9a-f]{64}$/);
    expect(erased.erased).toMatchObject({ consents: 1 });
  });

  it('rides out the server’s rate limit: 429 with Retry-After, retried until every call succeeds', async () => {
    const statuses: number[] = [];
    const client = new VisageClient({
      baseUrl: base,
      ...sandbox,
      retries: 5,
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        statuses.push(response.status);
        return response;
      },
    });
    const { id } = await client.createCaptureSession({ liveness: 'still', return_url: 'https://shop.example.com/r' });
    const reads = await Promise.all(Array.from({ length: 5 }, () => client.getCaptureSession(id)));
    expect(reads.map((r) => r.status)).toEqual(Array(5).fill('not_started'));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
  });
});

async function waitFor<T>(find: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
