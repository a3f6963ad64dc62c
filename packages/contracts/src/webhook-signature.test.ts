import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature, WebhookVerificationError } from './webhook-signature.js';

// The worked example of the Standard Webhooks reference libraries (svix / standard-webhooks test suites).
const example = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const at = new Date(example.timestamp * 1000);
const headers = (signature: string, timestamp = example.timestamp) => ({
  'webhook-id': example.id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature,
});

describe('webhook signatures', () => {
  it('signs the worked example as the spec does', async () => {
    expect(await signWebhook(example.secret, example)).toBe(example.signature);
    // And as node:crypto computes it from the secret's bytes.
    const key = Buffer.from(example.secret.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', key).update(`${example.id}.${example.timestamp}.${example.body}`).digest('base64');
    expect(example.signature).toBe(`v1,${mac}`);
  });

  it('verifies the example, also among several signatures (secret rotation) and with a Headers object', async () => {
    await expect(
      verifyWebhookSignature(example.secret, headers(example.signature), example.body, 300, at),
    ).resolves.toEqual({ id: example.id, timestamp: example.timestamp });
    const two = `v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ${example.signature}`;
    await expect(verifyWebhookSignature(example.secret, headers(two), example.body, 300, at)).resolves.toBeDefined();
    await expect(
      verifyWebhookSignature(example.secret, new Headers(headers(example.signature)), example.body, 300, at),
    ).resolves.toBeDefined();
    await expect(
      verifyWebhookSignature(
        ['whsec_' + Buffer.alloc(32, 1).toString('base64'), example.secret],
        headers(example.signature),
        new TextEncoder().encode(example.body),
        300,
        at,
      ),
    ).resolves.toBeDefined();
  });

  it('refuses an altered body, another secret, a stale or future timestamp, and missing headers', async () => {
    const refused = (promise: Promise<unknown>) => expect(promise).rejects.toBeInstanceOf(WebhookVerificationError);
    await refused(verifyWebhookSignature(example.secret, headers(example.signature), '{"test": 2432232315}', 300, at));
    await refused(
      verifyWebhookSignature(
        'whsec_' + Buffer.alloc(24, 7).toString('base64'),
        headers(example.signature),
        example.body,
        300,
        at,
      ),
    );
    await refused(
      verifyWebhookSignature(
        example.secret,
        headers(example.signature),
        example.body,
        300,
        new Date(at.getTime() + 301_000),
      ),
    );
    await refused(
      verifyWebhookSignature(
        example.secret,
        headers(example.signature),
        example.body,
        300,
        new Date(at.getTime() - 301_000),
      ),
    );
    await refused(verifyWebhookSignature(example.secret, { 'webhook-id': example.id }, example.body, 300, at));
    // A timestamp changed after signing breaks the signature even inside the tolerance.
    await refused(
      verifyWebhookSignature(example.secret, headers(example.signature, example.timestamp + 1), example.body, 300, at),
    );
  });
});
