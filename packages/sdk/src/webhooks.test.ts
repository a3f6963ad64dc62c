import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, WebhookVerificationError } from './index.js';

const secretBytes = randomBytes(32);
const secret = `whsec_${secretBytes.toString('base64')}`;
const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;
const now = new Date('2026-11-29T12:00:00Z');
const timestamp = Math.floor(now.getTime() / 1000);
const id = 'evt_0123456789';
const body = JSON.stringify({
  id,
  type: 'verification.completed',
  timestamp: now.toISOString(),
  mode: 'sandbox',
  data: { id: 'ver_1', result_code: 'result.match', note: '结果' },
});

/** Standard Webhooks, computed independently with node:crypto. */
const reference = (key: Buffer, text: string, at = timestamp) =>
  `v1,${createHmac('sha256', key).update(`${id}.${at}.${text}`).digest('base64')}`;

const headersFor = (signature: string, at = timestamp) => ({
  'webhook-id': id,
  'webhook-timestamp': String(at),
  'webhook-signature': signature,
});

describe('verifyWebhook', () => {
  it('accepts a signature made as the Standard Webhooks spec says, and returns the parsed event', async () => {
    const verified = await verifyWebhook({ secret, headers: headersFor(reference(secretBytes, body)), body, now });
    expect(verified).toEqual({ id, timestamp, event: JSON.parse(body) });
    expect(await signWebhook(secret, { id, timestamp, body })).toBe(reference(secretBytes, body));
  });

  it('takes the raw body as bytes and the headers as a fetch Headers object', async () => {
    const headers = new Headers(headersFor(reference(secretBytes, body)));
    const verified = await verifyWebhook({ secret, headers, body: new TextEncoder().encode(body), now });
    expect(verified.event.type).toBe('verification.completed');
  });

  it('during a rotation accepts any of several secrets, and several signatures in the header', async () => {
    const header = `v1,${randomBytes(32).toString('base64')} ${reference(secretBytes, body)}`;
    await expect(
      verifyWebhook({ secret: [otherSecret, secret], headers: headersFor(header), body, now }),
    ).resolves.toMatchObject({ id });
    await expect(verifyWebhook({ secret: otherSecret, headers: headersFor(header), body, now })).rejects.toThrow(
      WebhookVerificationError,
    );
  });

  it('refuses a changed body, a stale or future timestamp, missing headers and a body whose id differs', async () => {
    const signature = reference(secretBytes, body);
    const refuse = (input: Parameters<typeof verifyWebhook>[0]) =>
      expect(verifyWebhook(input)).rejects.toThrow(WebhookVerificationError);
    await refuse({
      secret,
      headers: headersFor(signature),
      body: body.replace('result.match', 'result.no_match'),
      now,
    });
    await refuse({ secret, headers: headersFor(signature), body: `${body} `, now });
    const old = timestamp - 301;
    await refuse({ secret, headers: headersFor(reference(secretBytes, body, old), old), body, now });
    const future = timestamp + 301;
    await refuse({ secret, headers: headersFor(reference(secretBytes, body, future), future), body, now });
    await refuse({ secret, headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp) }, body, now });
    await refuse({ secret, headers: headersFor(signature.replace('v1,', 'v2,')), body, now });
    const otherId = body.replace(id, 'evt_other');
    await refuse({ secret, headers: headersFor(reference(secretBytes, otherId)), body: otherId, now });
  });

  it('takes a wider tolerance when asked', async () => {
    const old = timestamp - 600;
    const input = { secret, headers: headersFor(reference(secretBytes, body, old), old), body, now };
    await expect(verifyWebhook(input)).rejects.toThrow(/tolerance/);
    await expect(verifyWebhook({ ...input, toleranceSeconds: 900 })).resolves.toMatchObject({ timestamp: old });
  });
});
